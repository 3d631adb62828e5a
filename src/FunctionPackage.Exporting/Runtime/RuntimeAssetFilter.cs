using System.Reflection;
using NuGet.RuntimeModel;

namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// Which RID-specific assets (<c>runtimes/&lt;rid&gt;/…</c> of a package or a publish folder) an export for one RID keeps:
/// those of the RID and of every RID it imports in NuGet's RID graph (linux-x64 → linux-x64, linux, unix-x64, unix, any,
/// base) — the assets NuGet and the .NET host could ever pick on it. Everything under <c>runtimes/</c> of another RID
/// (win-*, osx-*, linux-musl-*, another architecture) is dropped. The graph is the one NuGet restores with on .NET 8+
/// (the SDK's portable graph: <c>RuntimeIdentifierGraph.json</c>, shipped in this assembly, copied from the SDK's
/// <c>PortableRuntimeIdentifierGraph.json</c>), read and expanded by NuGet.RuntimeModel. Files outside
/// <c>runtimes/</c> are always kept.
/// </summary>
public sealed class RuntimeAssetFilter
{
    private const string RuntimesFolder = "runtimes/";
    private readonly HashSet<string> _kept;

    private RuntimeAssetFilter(string rid, IEnumerable<string> compatible)
    {
        RuntimeIdentifier = rid;
        _kept = new HashSet<string>(compatible, StringComparer.OrdinalIgnoreCase);
    }

    public string RuntimeIdentifier { get; }

    /// <summary>The RIDs whose assets are kept, sorted.</summary>
    public IReadOnlyList<string> Kept => _kept.Order(StringComparer.Ordinal).ToList();

    /// <summary>The filter for <paramref name="rid"/>.</summary>
    public static RuntimeAssetFilter For(string rid) => new(rid, Graph.Value.ExpandRuntime(rid));

    /// <summary>
    /// The filter for <paramref name="rid"/> or its musl twin (<c>linux-x64</c> and <c>linux-musl-x64</c>): for an image,
    /// where the platform names the architecture but not the C library — an Alpine base image loads the musl assets.
    /// </summary>
    public static RuntimeAssetFilter ForLinuxImage(string rid)
    {
        var musl = rid.StartsWith("linux-", StringComparison.Ordinal) && !rid.StartsWith("linux-musl-", StringComparison.Ordinal)
            ? "linux-musl-" + rid["linux-".Length..] : null;
        var expanded = Graph.Value.ExpandRuntime(rid);
        return new(rid, musl is null ? expanded : expanded.Concat(Graph.Value.ExpandRuntime(musl)));
    }

    /// <summary>Keep <paramref name="path"/> (relative to a package's folder or a publish folder, <c>/</c> separators)?</summary>
    public bool Keeps(string path)
    {
        if (!path.StartsWith(RuntimesFolder, StringComparison.OrdinalIgnoreCase)) return true;
        var rest = path[RuntimesFolder.Length..];
        var slash = rest.IndexOf('/');
        // "runtimes/<rid>" alone is that RID's folder (a layer lists folders too): kept or dropped with its files.
        return rest.Length == 0 || _kept.Contains(slash < 0 ? rest : rest[..slash]);
    }

    /// <summary>
    /// Keep <paramref name="path"/> of a packages folder (<c>&lt;id&gt;/&lt;version&gt;/…</c>, NuGet's global-packages
    /// layout)? Its <c>runtimes/</c> as <see cref="Keeps"/>; the package's <c>.nupkg</c> is dropped too: it repeats every
    /// RID's assets, and nothing reads it at run time (the host probes the extracted files; <c>.nupkg.metadata</c> stays).
    /// </summary>
    public bool KeepsInPackagesFolder(string path)
    {
        var parts = path.Split('/', 3);
        if (parts.Length < 3) return true;
        if (parts[2].EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase) && !parts[2].Contains('/')) return false;
        return Keeps(parts[2]);
    }

    private static readonly Lazy<RuntimeGraph> Graph = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FunctionPackage.Exporting.RuntimeIdentifierGraph.json")!;
        return JsonRuntimeFormat.ReadRuntimeGraph(stream);
    });
}
