using FunctionPackage.Cli.Diagnostics;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Installing;

/// <summary>What the user named: a .nupkg file, or <c>id@version</c> to fetch from a feed.</summary>
public sealed record PackageArgument(string? FilePath, string? Id, NuGetVersion? Version)
{
    public bool IsFile => FilePath is not null;

    public override string ToString() => IsFile ? FilePath! : $"{Id}@{Version!.ToNormalizedString()}";

    /// <exception cref="CliException">FPKG5110 (exit 1) when the text is neither an existing path nor id@version.</exception>
    public static PackageArgument Parse(string text, string workingDirectory)
    {
        var full = Path.GetFullPath(text, workingDirectory);
        if (File.Exists(full) || text.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase))
        {
            return new PackageArgument(full, null, null);
        }
        var at = text.LastIndexOf('@');
        if (at > 0 && NuGetVersion.TryParse(text[(at + 1)..], out var version))
        {
            return new PackageArgument(null, text[..at], version);
        }
        throw new CliException(CliDiagnosticCodes.InvalidPackageReference, ExitCodes.Usage,
            $"'{text}' is neither a .nupkg file nor id@version with an exact version (e.g. Hello.Function@1.0.0).");
    }
}
