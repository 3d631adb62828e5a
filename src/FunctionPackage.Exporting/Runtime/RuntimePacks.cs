using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Sources;
using FunctionPackage.Model;
using Microsoft.Extensions.Logging;
using NuGet.Packaging;
using NuGet.Versioning;

namespace FunctionPackage.Exporting.Runtime;

/// <summary>One file of a runtime pack as its <c>data/RuntimeList.xml</c> lists it.</summary>
public sealed record RuntimePackFile(string PathInPackage, string FullPath, bool IsManaged, string? AssemblyVersion, string? FileVersion)
{
    public string FileName => Path.GetFileName(PathInPackage);
}

/// <summary>A runtime pack extracted in the cache: its id, version and folder.</summary>
public sealed record RuntimePack(string Id, string Version, string Folder)
{
    /// <summary>The files of a Microsoft.*.App.Runtime.&lt;rid&gt; pack (<c>data/RuntimeList.xml</c>: managed and native).</summary>
    public IReadOnlyList<RuntimePackFile> ListedFiles()
    {
        var list = XDocument.Load(Path.Combine(Folder, "data", "RuntimeList.xml"));
        return list.Root!.Elements("File").Select(file =>
        {
            var path = (string)file.Attribute("Path")!;
            return new RuntimePackFile(path, Path.Combine(Folder, path), (string?)file.Attribute("Type") == "Managed",
                (string?)file.Attribute("AssemblyVersion"), (string?)file.Attribute("FileVersion"));
        }).ToList();
    }
}

/// <summary>
/// The .NET runtime packs (Microsoft.NETCore.App.Runtime.&lt;rid&gt;, Microsoft.AspNetCore.App.Runtime.&lt;rid&gt;,
/// Microsoft.NETCore.App.Host.&lt;rid&gt;) a self-contained host is made of, fetched like any package: from the install's
/// sources (<c>--source</c>, else NuGet.config) through the install library, each checked against the content hash
/// pinned in <c>RuntimePacks.json</c> (shipped in this assembly) before it is extracted. Never taken from an SDK on
/// this machine. Extracted packs are kept in a cache folder (NuGet's global-packages layout, written by the install
/// library's <see cref="SharedPackagesFolder"/>: rename into place, so a folder there is complete); a cached pack is
/// re-checked against its pin each time it is used.
/// </summary>
public sealed class RuntimePacks
{
    public const string NetCoreRuntime = "Microsoft.NETCore.App.Runtime";
    public const string AspNetCoreRuntime = "Microsoft.AspNetCore.App.Runtime";
    public const string AppHostPack = "Microsoft.NETCore.App.Host";

    /// <summary>The runtime identifiers a self-contained host can be built for (Linux, glibc: what Lambda and Azure run).</summary>
    public static IReadOnlyList<string> RuntimeIdentifiers { get; } = new[] { "linux-x64", "linux-arm64" };

    /// <summary>Version → pack id → content hash.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Pins { get; } = LoadPins();

    /// <summary>The newest pinned version of the host's major: what a self-contained host gets unless told otherwise.</summary>
    public static string DefaultVersion(int hostMajor) => Pins.Keys.Select(NuGetVersion.Parse).Where(v => v.Major == hostMajor)
        .OrderDescending().Select(v => v.ToNormalizedString()).FirstOrDefault()
        ?? throw new InvalidOperationException($"RuntimePacks.json pins no runtime of .NET {hostMajor}.");

    /// <summary>Default cache: <c>$FNPKG_RUNTIME_PACKS</c>, else <c>~/.local/share/fnpkg/runtime-packs</c> (the platform's local app data).</summary>
    public static string DefaultCacheFolder =>
        Environment.GetEnvironmentVariable("FNPKG_RUNTIME_PACKS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fnpkg", "runtime-packs");

    private readonly IPackageSource _source;
    private readonly ILogger _logger;

    public RuntimePacks(IPackageSource source, ILogger logger)
    {
        _source = source;
        _logger = logger;
    }

    /// <summary>FPKG7110 / FPKG7111 unless <paramref name="rid"/> and <paramref name="version"/> can be built: before anything is fetched.</summary>
    public static void EnsureSupported(string rid, string version)
    {
        if (!RuntimeIdentifiers.Contains(rid)) throw ExportErrors.SelfContainedRid(rid, RuntimeIdentifiers);
        if (!Pins.ContainsKey(version)) throw ExportErrors.RuntimeNotPinned(version, Pins.Keys);
    }

    /// <summary>The three packs of <paramref name="rid"/> at <paramref name="version"/>, fetched (or found in the cache) and hash-checked.</summary>
    public async Task<(RuntimePack NetCore, RuntimePack AspNetCore, RuntimePack AppHost)> GetAsync(string rid, string version, RuntimePackRequest request, CancellationToken cancellationToken)
    {
        EnsureSupported(rid, version);
        var cache = new SharedPackagesFolder(request.CacheFolder);
        var ids = new[] { NetCoreRuntime, AspNetCoreRuntime, AppHostPack }.Select(name => $"{name}.{rid}").ToList();
        var dependencies = ids.Select(id => new DependencyDefinition
        {
            Id = id, Version = version, Sha512 = Pins[version][id], Path = $"{id.ToLowerInvariant()}/{version.ToLowerInvariant()}",
        }).ToList();
        var missing = dependencies.Where(d => !IsCached(cache, d)).ToList();
        if (missing.Count > 0) await FetchAsync(cache, missing, request, cancellationToken).ConfigureAwait(false);
        var packs = dependencies.Select(d => new RuntimePack(d.Id, d.Version, cache.PackageDirectory(d))).ToList();
        return (packs[0], packs[1], packs[2]);
    }

    private static bool IsCached(SharedPackagesFolder cache, DependencyDefinition pack)
    {
        try
        {
            return cache.IsInstalled(pack);
        }
        catch (FunctionPackageException ex) when (ex.Code == DiagnosticCodes.PackagesFolderConflict)
        {
            // A cached folder whose recorded hash is not the pin: not ours to trust; fetch it again.
            Directory.Delete(cache.PackageDirectory(pack), recursive: true);
            return false;
        }
    }

    private async Task FetchAsync(SharedPackagesFolder cache, IReadOnlyList<DependencyDefinition> packs, RuntimePackRequest request, CancellationToken cancellationToken)
    {
        var limits = PackageLimits.FromEnvironment();
        using var session = _source.Open(new PackageSourceOptions
        {
            Requested = request.Sources,
            WorkingDirectory = request.WorkingDirectory,
            RequestTimeout = request.RequestTimeout,
            MaxPackageBytes = limits.MaxTotalBytes,
        });
        var sources = session.Select(manifestHints: null);
        if (sources.IsEmpty) throw ExportErrors.RuntimePackNotFound(packs[0].Id, packs[0].Version, sources.Describe());
        // The scratch folder is inside the cache: extraction is renamed into place on one volume.
        var scratch = Directory.CreateDirectory(Path.Combine(cache.Folder, ".staging", Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await Parallel.ForEachAsync(packs, cancellationToken, async (pack, ct) =>
            {
                var file = Path.Combine(scratch, $"{pack.Id}.{pack.Version}.nupkg".ToLowerInvariant());
                _logger.LogInformation("Downloading runtime pack {Id} {Version}…", pack.Id, pack.Version);
                var origin = await session.DownloadAsync(sources, pack.Id, pack.Version, file, ct).ConfigureAwait(false)
                    ?? throw ExportErrors.RuntimePackNotFound(pack.Id, pack.Version, sources.Describe());
                string actual;
                using (var reader = new PackageArchiveReader(file)) actual = reader.GetContentHash(ct);
                if (!string.Equals(actual, pack.Sha512, StringComparison.Ordinal))
                    throw ExportErrors.RuntimePackHashMismatch(pack.Id, pack.Version, origin, actual, pack.Sha512);
                cache.Install(pack, file, actual, origin, scratch);
            }).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> LoadPins()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FunctionPackage.Exporting.RuntimePacks.json")!;
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("versions").EnumerateObject().ToDictionary(
            version => version.Name,
            version => (IReadOnlyDictionary<string, string>)version.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}

/// <summary>Where runtime packs come from: the install's sources and limits, and the cache they are kept in.</summary>
public sealed record RuntimePackRequest
{
    /// <summary><c>--source</c> locations; empty: the NuGet.config in effect from <see cref="WorkingDirectory"/>.</summary>
    public IReadOnlyList<string> Sources { get; init; } = Array.Empty<string>();
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    public TimeSpan RequestTimeout { get; init; } = InstallRequest.DefaultRequestTimeout;
    public string CacheFolder { get; init; } = RuntimePacks.DefaultCacheFolder;

    /// <summary>The packs of an export: from the install's sources, working directory and request timeout.</summary>
    public static RuntimePackRequest For(InstallRequest install, string cacheFolder) => new()
    {
        Sources = install.Sources,
        WorkingDirectory = install.WorkingDirectory,
        RequestTimeout = install.RequestTimeout,
        CacheFolder = cacheFolder,
    };
}
