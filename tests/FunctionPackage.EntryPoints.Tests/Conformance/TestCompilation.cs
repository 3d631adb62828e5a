using System.Reflection;
using System.Runtime.Loader;
using CloudNative.CloudEvents;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FunctionPackage.EntryPoints.Tests.Conformance;

/// <summary>
/// One source file compiled once with Roslyn against the .NET reference pack (as a build does), the bytes written
/// to <c>&lt;Name&gt;.dll</c> in a temp folder for the metadata reader, and loaded in a collectible load context for reflection.
/// </summary>
public sealed class TestCompilation : IDisposable
{
    private readonly string _folder;
    private readonly CollectibleContext _context;

    private TestCompilation(string name, CSharpCompilation compilation, string folder, string path, Assembly assembly, CollectibleContext context)
    {
        Name = name;
        Compilation = compilation;
        _folder = folder;
        AssemblyPath = path;
        Assembly = assembly;
        _context = context;
    }

    public string Name { get; }
    public CSharpCompilation Compilation { get; }
    public string AssemblyPath { get; }
    public Assembly Assembly { get; }

    /// <summary>The compile references: what the SDK task gets as @(ReferencePath).</summary>
    public static IReadOnlyList<string> ReferencePaths { get; } = FindReferencePaths();

    public static TestCompilation Compile(string name, string resourceName)
    {
        var source = ReadResource(resourceName);
        var compilation = CSharpCompilation.Create(name,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp12), path: resourceName) },
            ReferencePaths.Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) throw new InvalidOperationException($"{resourceName} does not compile:\n{string.Join("\n", errors)}");

        var folder = Path.Combine(Path.GetTempPath(), "fpkg-entrypoint-conformance", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".dll");
        File.WriteAllBytes(path, stream.ToArray());

        var context = new CollectibleContext();
        stream.Position = 0;
        var assembly = context.LoadFromStream(stream);
        return new TestCompilation(name, compilation, folder, path, assembly, context);
    }

    public void Dispose()
    {
        _context.Unload();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(TestCompilation).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"No embedded source '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // The reference pack of the running runtime's major version (the SDK's packs folder), plus CloudNative.CloudEvents.
    private static IReadOnlyList<string> FindReferencePaths()
    {
        var runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeFolder, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var major = Environment.Version.Major;
        var refFolder = Directory.Exists(packs)
            ? Directory.GetDirectories(packs, $"{major}.*").OrderBy(d => d, StringComparer.Ordinal)
                .Select(d => Path.Combine(d, "ref", $"net{major}.0")).LastOrDefault(Directory.Exists)
            : null;
        var framework = refFolder is null
            ? Directory.GetFiles(runtimeFolder, "*.dll").Where(IsManagedAssembly)   // no packs folder: the implementation assemblies
            : Directory.GetFiles(refFolder, "*.dll");
        return framework.Append(typeof(CloudEvent).Assembly.Location).ToList();
    }

    private static bool IsManagedAssembly(string path)
    {
        try { AssemblyName.GetAssemblyName(path); return true; }
        catch (BadImageFormatException) { return false; }
    }

    private sealed class CollectibleContext : AssemblyLoadContext
    {
        public CollectibleContext() : base("fpkg-conformance", isCollectible: true) { }

        // Everything else (the framework, CloudNative.CloudEvents) comes from the default context, as in the host.
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
