using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using FunctionPackage.EntryPoints;
using FunctionPackage.Sdk.Diagnostics;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>
/// Resolves and validates a function's entry point by reading the built assembly's metadata
/// (System.Reflection.Metadata only: the assembly is never loaded, and the file is not kept open or locked).
/// The rules are <see cref="EntryPointRules"/> (shared with the host and the analyzer); every failure is a
/// <see cref="FunctionPackageException"/> with an FPKG10xx code; docs/entry-point.md lists the rules.
/// </summary>
public sealed class EntryPointValidator
{
    /// <summary>Methods that discovery picks up when <c>FunctionEntryPoint</c> is not set.</summary>
    public static IReadOnlyList<string> DiscoveryMethodNames => EntryPointRules.DiscoveryMethodNames;

    public const string CloudEventTypeName = EntryPointRules.CloudEventTypeName;

    /// <summary>
    /// Resolves <paramref name="entryPoint"/> (<c>Namespace.Type::Method</c>) in the assembly, or discovers the
    /// single <c>Handle</c>/<c>HandleAsync</c> method when it is null or blank, and validates it.
    /// </summary>
    /// <remarks><paramref name="referencePaths"/> are the assembly's compile references: they tell whether a referenced
    /// input or result type is a delegate or a ref struct. Optional; without them a few framework names still answer.</remarks>
    public EntryPointResolution Resolve(string assemblyPath, string? entryPoint, IEnumerable<string>? referencePaths = null)
    {
        // Parse before touching the file: a malformed value is the user's first problem to fix.
        if (EntryPointRules.CheckSyntax(entryPoint) is { } malformed) throw FunctionPackageException.From(malformed);

        using var pe = OpenPEReader(assemblyPath);
        using var referencedTypes = new ReferencedTypes(referencePaths ?? Array.Empty<string>());
        try
        {
            if (!pe.HasMetadata)
                throw new FunctionPackageException(DiagnosticCodes.AssemblyUnreadable, assemblyPath, "it is not a .NET assembly (no metadata)");
            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
                throw new FunctionPackageException(DiagnosticCodes.AssemblyUnreadable, assemblyPath, "it is a module, not an assembly");

            var verdict = EntryPointRules.Resolve(new MetadataEntryAssembly(reader, Path.GetFileName(assemblyPath), referencedTypes), entryPoint);
            return verdict.Resolution ?? throw FunctionPackageException.From(verdict.Diagnostic!);
        }
        catch (BadImageFormatException ex)
        {
            throw new FunctionPackageException(ex, DiagnosticCodes.AssemblyUnreadable, assemblyPath, ex.Message);
        }
    }

    // The stream is shared for read/write/delete and closed before any analysis: PrefetchMetadata copies
    // the headers and metadata into memory, so a build can overwrite or delete the file right after.
    private static PEReader OpenPEReader(string assemblyPath)
    {
        if (!File.Exists(assemblyPath))
            throw new FunctionPackageException(DiagnosticCodes.AssemblyUnreadable, assemblyPath, "the file does not exist");
        try
        {
            using var stream = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new PEReader(stream, PEStreamOptions.PrefetchMetadata | PEStreamOptions.LeaveOpen);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            throw new FunctionPackageException(ex, DiagnosticCodes.AssemblyUnreadable, assemblyPath, ex.Message);
        }
    }
}
