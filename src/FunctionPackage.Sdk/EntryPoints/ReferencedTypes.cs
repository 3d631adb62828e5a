using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using FunctionPackage.EntryPoints;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>
/// Answers "is this referenced type a delegate or a ref struct?" for the rules, by reading the referenced
/// assembly's metadata (the compile references the build passes, matched by assembly name; type forwards
/// followed). Only asked for an input or result type that is not a well-known shape, so a build usually opens
/// no reference at all. Without references (or when a type is not found) a few framework names still answer.
/// </summary>
internal sealed class ReferencedTypes : IDisposable
{
    private const int MaxForwards = 4;

    // Names the answer is known for without any reference (the ones users might plausibly write).
    private static readonly HashSet<string> KnownByRefLike = new(StringComparer.Ordinal)
    {
        "System.Span`1", "System.ReadOnlySpan`1", "System.TypedReference", "System.ArgIterator", "System.RuntimeArgumentHandle",
    };
    private static readonly HashSet<string> KnownDelegates = new(StringComparer.Ordinal)
    {
        "System.Delegate", "System.MulticastDelegate", "System.Action", "System.Predicate`1", "System.Comparison`1",
        "System.Converter`2", "System.EventHandler", "System.EventHandler`1", "System.AsyncCallback",
    };

    private readonly Dictionary<string, string> _pathsByAssemblyName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, MetadataReader?> _readers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<PEReader> _open = new();

    public ReferencedTypes(IEnumerable<string> referencePaths)
    {
        foreach (var path in referencePaths)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!_pathsByAssemblyName.ContainsKey(name)) _pathsByAssemblyName[name] = path;
        }
    }

    public TypeTraits Traits(MetadataReader reader, TypeReferenceHandle handle, bool isValueType)
    {
        var fullName = MetadataNames.GetFullName(reader, handle);
        var resolved = Resolve(reader, handle, fullName);
        if (resolved is { } found) return TypeTraitsReader.Traits(found.Reader, found.Reader.GetTypeDefinition(found.Handle));
        return Known(fullName, isValueType);
    }

    private static TypeTraits Known(string fullName, bool isValueType)
    {
        if (KnownByRefLike.Contains(fullName)) return new TypeTraits(TypeCategory.Struct, true);
        if (KnownDelegates.Contains(fullName) || IsActionOrFunc(fullName)) return new TypeTraits(TypeCategory.Delegate, false);
        return new TypeTraits(isValueType ? TypeCategory.Struct : TypeCategory.Unknown, false);
    }

    private static bool IsActionOrFunc(string fullName) =>
        (fullName.StartsWith("System.Action`", StringComparison.Ordinal) || fullName.StartsWith("System.Func`", StringComparison.Ordinal))
        && int.TryParse(fullName.Substring(fullName.IndexOf('`') + 1), out _);

    private (MetadataReader Reader, TypeDefinitionHandle Handle)? Resolve(MetadataReader reader, TypeReferenceHandle handle, string fullName)
    {
        // The outermost type reference says which assembly defines the type.
        var outer = reader.GetTypeReference(handle);
        while (outer.ResolutionScope.Kind == HandleKind.TypeReference) outer = reader.GetTypeReference((TypeReferenceHandle)outer.ResolutionScope);
        if (outer.ResolutionScope.Kind != HandleKind.AssemblyReference) return null;
        var assemblyName = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)outer.ResolutionScope).Name);

        for (var hop = 0; hop < MaxForwards; hop++)
        {
            var target = Open(assemblyName);
            if (target is null) return null;
            foreach (var definition in target.TypeDefinitions)
                if (MetadataNames.GetFullName(target, definition) == fullName) return (target, definition);

            // A reference assembly may forward the type to another one (System.Runtime -> System.Private.CoreLib in implementation sets).
            var forward = target.ExportedTypes.Select(target.GetExportedType)
                .FirstOrDefault(e => e.IsForwarder && ExportedName(target, e) == TopLevelName(fullName));
            if (forward.Implementation.Kind != HandleKind.AssemblyReference) return null;
            assemblyName = target.GetString(target.GetAssemblyReference((AssemblyReferenceHandle)forward.Implementation).Name);
        }
        return null;
    }

    private static string ExportedName(MetadataReader reader, ExportedType exported)
    {
        var ns = reader.GetString(exported.Namespace);
        var name = reader.GetString(exported.Name);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string TopLevelName(string fullName)
    {
        var plus = fullName.IndexOf('+');
        return plus < 0 ? fullName : fullName.Substring(0, plus);
    }

    private MetadataReader? Open(string assemblyName)
    {
        if (_readers.TryGetValue(assemblyName, out var cached)) return cached;
        MetadataReader? reader = null;
        if (_pathsByAssemblyName.TryGetValue(assemblyName, out var path))
        {
            try
            {
                // Same sharing as the function assembly: never lock a file the build may rewrite.
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var pe = new PEReader(stream, PEStreamOptions.PrefetchMetadata);
                _open.Add(pe);
                reader = pe.HasMetadata ? pe.GetMetadataReader() : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException)
            {
                reader = null; // An unreadable reference only loses precision; the framework names still answer.
            }
        }
        _readers[assemblyName] = reader;
        return reader;
    }

    public void Dispose()
    {
        foreach (var pe in _open) pe.Dispose();
        _open.Clear();
    }
}
