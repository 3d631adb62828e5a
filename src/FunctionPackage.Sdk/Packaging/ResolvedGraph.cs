using System.Collections.Concurrent;
using System.Text.Json;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Shared;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>One package of the resolved runtime closure.</summary>
public sealed record ResolvedPackage(string Id, string Version, string Sha512, string Path);

/// <summary>
/// The resolved runtime closure of a publish: the package libraries of the publish deps.json (the SDK already
/// flattened transitive packages, project references' packages, NU1603 bumps and central pins into it, and left out
/// PrivateAssets=all/development-only packages), each pinned by the content hash restore recorded in
/// project.assets.json. Never computed from PackageReference lines.
/// </summary>
public sealed class ResolvedGraph
{
    private ResolvedGraph(IReadOnlyList<ResolvedPackage> packages, IReadOnlyList<string> packageFolders, IReadOnlyList<string> sources, RuntimeDependencyEdges edges)
    {
        Packages = packages;
        PackageFolders = packageFolders;
        Sources = sources;
        Edges = edges;
    }

    /// <summary>Who depends on whom in the deps.json's runtime target (for the SBOM), read from the same parse.</summary>
    public RuntimeDependencyEdges Edges { get; }

    /// <summary>The sources restore used (project.restore.sources of the assets file).</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Sorted by id (ordinal, case-insensitive), then version.</summary>
    public IReadOnlyList<ResolvedPackage> Packages { get; }

    /// <summary>The global packages folder and fallback folders restore used, in restore's order.</summary>
    public IReadOnlyList<string> PackageFolders { get; }

    public static ResolvedGraph Read(string depsFilePath, string assetsFilePath)
    {
        if (!File.Exists(assetsFilePath))
            throw new FunctionPackageException(DiagnosticCodes.AssetsFileMissing, assetsFilePath);
        if (!File.Exists(depsFilePath))
            throw new FunctionPackageException(DiagnosticCodes.DepsFileMissing, depsFilePath);

        // A build node packages the same function again and again: the same bytes of both files give the same graph.
        return Parsed.GetFromFiles(depsFilePath + "\n" + assetsFilePath, new[] { depsFilePath, assetsFilePath },
            contents => Parse(depsFilePath, contents[0], assetsFilePath, contents[1])).Value;
    }

    /// <summary>The graphs read in this process, by file paths (one string), with the bytes they were read from.</summary>
    private static readonly ContentMemo<string, ResolvedGraph> Parsed = new(budget: 64L << 20, maxEntries: 16);

    private static ResolvedGraph Parse(string depsFilePath, byte[] depsBytes, string assetsFilePath, byte[] assetsBytes)
    {
        using var assets = JsonDocument.Parse(assetsBytes);
        using var deps = JsonDocument.Parse(depsBytes);

        // One pass over the assets file's libraries (JsonElement.TryGetProperty is a linear scan, once per package):
        // the exact key, else the first that differs only in case.
        var assetLibraries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var assetLibrariesIgnoringCase = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
        {
            assetLibraries[library.Name] = library.Value;
            assetLibrariesIgnoringCase.TryAdd(library.Name, library.Value);
        }
        var folders = new List<string>();
        if (assets.RootElement.TryGetProperty("packageFolders", out var packageFolders))
        {
            foreach (var folder in packageFolders.EnumerateObject()) folders.Add(folder.Name);
        }

        var sources = new List<string>();
        if (assets.RootElement.TryGetProperty("project", out var project)
            && project.TryGetProperty("restore", out var restore)
            && restore.TryGetProperty("sources", out var restoreSources)
            && restoreSources.ValueKind == JsonValueKind.Object)
        {
            foreach (var source in restoreSources.EnumerateObject()) sources.Add(source.Name);
        }

        var packages = new List<ResolvedPackage>();
        foreach (var library in deps.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (GetString(library.Value, "type") != "package") continue;

            var (id, version) = SplitKey(library.Name);
            // Restore's record is the authority for the hash; deps.json carries the same value with a prefix.
            if (!assetLibraries.TryGetValue(library.Name, out var assetLibrary) && !assetLibrariesIgnoringCase.TryGetValue(library.Name, out assetLibrary))
                throw new FunctionPackageException(DiagnosticCodes.DependencyNotInAssetsFile, library.Name, depsFilePath, assetsFilePath);

            var sha512 = ContentHash.StripPrefix(GetString(assetLibrary, "sha512") ?? GetString(library.Value, "sha512") ?? "");
            if (sha512.Length == 0)
                throw new FunctionPackageException(DiagnosticCodes.DependencyHashMissing, library.Name, assetsFilePath);

            var path = GetString(assetLibrary, "path") ?? PackageNames.FolderPath(id, version);
            packages.Add(new ResolvedPackage(id, version, sha512, path.Replace('\\', '/')));
        }

        packages.Sort((a, b) =>
        {
            var byId = string.CompareOrdinal(a.Id.ToLowerInvariant(), b.Id.ToLowerInvariant());
            return byId != 0 ? byId : string.CompareOrdinal(a.Version, b.Version);
        });
        return new ResolvedGraph(packages.AsReadOnly(), folders.AsReadOnly(), sources.AsReadOnly(), RuntimeDependencyEdges.From(deps.RootElement));
    }

    /// <summary>The original .nupkg of a package as restore left it in a package folder, or null.</summary>
    public string? FindNupkg(ResolvedPackage package)
    {
        var fileName = PackageNames.NupkgFileName(package.Id, package.Version);
        foreach (var folder in PackageFolders)
        {
            var candidate = System.IO.Path.Combine(folder, package.Path, fileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Where restore got a package from: the <c>source</c> NuGet recorded in its <c>.nupkg.metadata</c> in the first
    /// package folder that has it (the order restore resolves in). Null when no folder records one (e.g. a fallback
    /// folder populated by hand): then where the bytes came from is unknown.
    /// </summary>
    public string? FindRestoreSource(ResolvedPackage package)
    {
        foreach (var folder in PackageFolders)
        {
            var metadata = new FileInfo(System.IO.Path.Combine(folder, package.Path, ".nupkg.metadata"));
            if (!metadata.Exists) continue;
            // A build node packages again and again over the same packages: a file with the same time and length is
            // not read again (the stat above is needed anyway), as ResolveAssemblyReference caches by timestamp.
            var stamp = (metadata.LastWriteTimeUtc, metadata.Length);
            if (RestoreSources.TryGetValue(metadata.FullName, out var cached) && cached.Stamp == stamp) return cached.Source;
            using var document = JsonDocument.Parse(File.ReadAllBytes(metadata.FullName));
            var source = GetString(document.RootElement, "source");
            RestoreSources[metadata.FullName] = (stamp, source);
            return source;
        }
        return null;
    }

    /// <summary>The <c>source</c> of each <c>.nupkg.metadata</c> read in this process, by path, with the file's time and length then.</summary>
    private static readonly ConcurrentDictionary<string, ((DateTime, long) Stamp, string? Source)> RestoreSources = new(StringComparer.Ordinal);

    private static (string Id, string Version) SplitKey(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? (key, "") : (key.Substring(0, slash), key.Substring(slash + 1));
    }

    private static string? GetString(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
