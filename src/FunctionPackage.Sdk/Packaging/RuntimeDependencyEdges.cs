using System.Text.Json;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// Who depends on whom in the publish deps.json's runtime target: the edges of the resolved graph, for the SBOM.
/// <see cref="Root"/> holds the packages the function's projects (the function and its project references, all
/// inside function/) depend on directly; <see cref="Of"/> a package's own dependencies. Ids only: the runtime graph
/// holds one version per id. Kept apart from <see cref="ResolvedGraph"/>, which pins the flat closure.
/// </summary>
public sealed class RuntimeDependencyEdges
{
    private readonly Dictionary<string, SortedSet<string>> _edges;

    private RuntimeDependencyEdges(SortedSet<string> root, Dictionary<string, SortedSet<string>> edges)
    {
        Root = root;
        _edges = edges;
    }

    public IReadOnlyCollection<string> Root { get; }

    public IReadOnlyCollection<string> Of(string packageId)
        => _edges.TryGetValue(packageId, out var dependsOn) ? dependsOn : Array.Empty<string>();

    /// <summary>
    /// The edges of an already-validated deps.json: <see cref="ResolvedGraph.Read"/> passes the document it read the
    /// closure from (it reports a missing or broken one), so the file is parsed once.
    /// </summary>
    public static RuntimeDependencyEdges From(JsonElement rootElement)
    {
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in rootElement.GetProperty("libraries").EnumerateObject())
            types[IdOf(library.Name)] = library.Value.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "";

        var root = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var edges = new Dictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        if (!TryGetRuntimeTarget(rootElement, out var target))
            return new RuntimeDependencyEdges(root, edges);

        foreach (var library in target.EnumerateObject())
        {
            var id = IdOf(library.Name);
            if (!types.TryGetValue(id, out var type)) continue;
            // A project's package dependencies are the function's: its projects are all packaged as function/ files.
            var into = type == "project" ? root : edges.TryGetValue(id, out var set) ? set : edges[id] = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            if (type != "project" && type != "package") continue;
            if (!library.Value.TryGetProperty("dependencies", out var dependencies) || dependencies.ValueKind != JsonValueKind.Object) continue;
            foreach (var dependency in dependencies.EnumerateObject())
            {
                if (types.TryGetValue(dependency.Name, out var dependencyType) && dependencyType == "package") into.Add(dependency.Name);
            }
        }
        return new RuntimeDependencyEdges(root, edges);
    }

    private static bool TryGetRuntimeTarget(JsonElement deps, out JsonElement target)
    {
        target = default;
        if (!deps.TryGetProperty("runtimeTarget", out var runtimeTarget) || !runtimeTarget.TryGetProperty("name", out var name)) return false;
        return deps.TryGetProperty("targets", out var targets) && targets.TryGetProperty(name.GetString() ?? "", out target) && target.ValueKind == JsonValueKind.Object;
    }

    private static string IdOf(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? key : key.Substring(0, slash);
    }
}
