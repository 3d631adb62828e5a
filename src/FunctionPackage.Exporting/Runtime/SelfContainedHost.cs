using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionPackage.Exporting.Targets.Oci;
using FunctionPackage.Installing.Installation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Exporting.Runtime;

public sealed record SelfContainedHostRequest
{
    /// <summary>The framework-dependent host: <see cref="HostAssemblyName"/> with its <c>.runtimeconfig.json</c>, <c>.deps.json</c> and dependencies.</summary>
    public required string HostDirectory { get; init; }
    public string HostAssemblyName { get; init; } = "FunctionPackage.Host.dll";
    /// <summary>One of <see cref="RuntimePacks.RuntimeIdentifiers"/>.</summary>
    public required string RuntimeIdentifier { get; init; }
    /// <summary>A version pinned in RuntimePacks.json; null: <see cref="RuntimePacks.DefaultVersion"/> of the host's major.</summary>
    public string? RuntimeVersion { get; init; }
    /// <summary>The executable's name at the root of the bundle (Lambda: <c>bootstrap</c>).</summary>
    public required string ExecutableName { get; init; }
    /// <summary>Where the packs come from and are cached.</summary>
    public RuntimePackRequest Packs { get; init; } = new();
    /// <summary>
    /// The runtimeconfig's <c>additionalProbingPaths</c>: where hostpolicy looks for package assets of deps.json files
    /// (the function's, through its load context's AssemblyDependencyResolver) — what <c>dotnet exec
    /// --additionalprobingpath</c> gives a framework-dependent host. hostfxr resolves a relative one against the current
    /// directory, not the runtimeconfig's folder; a path that does not exist is skipped.
    /// </summary>
    public IReadOnlyList<string> ProbingPaths { get; init; } = Array.Empty<string>();
}

/// <summary>
/// A self-contained host: every file at the bundle's root — the apphost bound to the host assembly (named
/// <see cref="ExecutablePath"/>, mode 0755), the runtime and ASP.NET Core from the runtime packs, the host's own files,
/// and the host's runtimeconfig/deps rewritten for self-contained use. Write <see cref="Files"/> anywhere (zip, folder).
/// </summary>
public sealed record SelfContainedHost(string RuntimeIdentifier, string RuntimeVersion, string ExecutablePath, IReadOnlyList<BundleFile> Files);

/// <summary>
/// Builds a self-contained, invariant-globalization host from the runtime packs on the NuGet sources (no SDK, no
/// installed .NET needed to build or to run it): for images without .NET or ICU (Lambda's <c>provided.al2023</c>,
/// Azure Functions' custom handlers). What the SDK's self-contained publish does, for an already-built host:
/// <list type="bullet">
/// <item>the files <c>data/RuntimeList.xml</c> lists of Microsoft.NETCore.App.Runtime.&lt;rid&gt; and
/// Microsoft.AspNetCore.App.Runtime.&lt;rid&gt;, flat at the root (libhostfxr.so there makes the apphost self-contained);</item>
/// <item><c>&lt;host&gt;.runtimeconfig.json</c>: <c>includedFrameworks</c> (the packs' version) instead of
/// <c>frameworks</c>, the host's configProperties kept, <c>System.Globalization.Invariant</c> true (no libicu) and
/// <c>PredefinedCulturesOnly</c> false (named cultures with invariant data, so satellite resources still resolve);</item>
/// <item><c>&lt;host&gt;.deps.json</c>: the RID-specific runtime target, with one <c>runtimepack</c> library per pack
/// listing its files (hostpolicy builds the trusted-platform list from it);</item>
/// <item>the apphost of Microsoft.NETCore.App.Host.&lt;rid&gt; bound to the host assembly (<see cref="AppHost"/>).</item>
/// </list>
/// A host file with the name of a runtime file wins (its deps.json entry is the host's, as the SDK's conflict resolution
/// left it). Same host and version → same files and bytes.
/// </summary>
public sealed class SelfContainedHostBuilder
{
    private readonly RuntimePacks _packs;
    private readonly ILogger _logger;

    public SelfContainedHostBuilder(RuntimePacks packs, ILogger logger)
    {
        _packs = packs;
        _logger = logger;
    }

    /// <summary>The host's .NET major version (its runtimeconfig's tfm, e.g. net10.0 → 10).</summary>
    public static int HostMajor(string hostDirectory, string hostAssemblyName)
    {
        var config = ReadJson(Path.Combine(hostDirectory, RuntimeConfigName(hostAssemblyName)));
        var tfm = config["runtimeOptions"]?["tfm"]?.GetValue<string>() ?? throw new InvalidOperationException("the host's runtimeconfig.json has no tfm");
        return int.Parse(tfm["net".Length..].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The version a request builds: its own, else the newest pinned one of the host's major.</summary>
    public static string VersionFor(SelfContainedHostRequest request) =>
        request.RuntimeVersion ?? RuntimePacks.DefaultVersion(HostMajor(request.HostDirectory, request.HostAssemblyName));

    /// <summary>
    /// The install's runtime check judged against the platform rather than this machine: <paramref name="rid"/> and a
    /// stand-in dotnet root (under <paramref name="scratchFolder"/>) with Microsoft.NETCore.App and
    /// Microsoft.AspNetCore.App at <paramref name="runtimeVersion"/> — what a self-contained host (or Lambda's dotnet10) runs on.
    /// </summary>
    public static RuntimeFrameworkChecker PlatformChecker(string rid, string runtimeVersion, string scratchFolder)
    {
        var frameworks = RuntimeFrameworkChecker.HostFrameworks.ToDictionary(name => name, _ => (IReadOnlySet<string>)new HashSet<string> { runtimeVersion }, StringComparer.Ordinal);
        return new RuntimeFrameworkChecker(BaseImageFrameworks.WriteStandInRoot(frameworks, scratchFolder), rid);
    }

    public async Task<SelfContainedHost> BuildAsync(SelfContainedHostRequest request, CancellationToken cancellationToken = default)
    {
        var rid = request.RuntimeIdentifier;
        var version = VersionFor(request);
        RuntimePacks.EnsureSupported(rid, version);
        var hostName = Path.GetFileNameWithoutExtension(request.HostAssemblyName);
        var (netCore, aspNetCore, appHost) = await _packs.GetAsync(rid, version, request.Packs, cancellationToken).ConfigureAwait(false);

        var files = new SortedDictionary<string, BundleFile>(StringComparer.Ordinal);
        var runtimeConfig = RuntimeConfigName(request.HostAssemblyName);
        var depsFile = hostName + ".deps.json";
        foreach (var file in BundleFile.FromFolder(request.HostDirectory))
        {
            // The framework-dependent apphost a build may leave beside the dll (this machine's): replaced by the pack's.
            if (file.Path == hostName || file.Path == runtimeConfig || file.Path == depsFile) continue;
            files[file.Path] = file;
        }

        var runtimeLibraries = new List<(RuntimePack Pack, IReadOnlyList<RuntimePackFile> Files)>();
        foreach (var pack in new[] { netCore, aspNetCore })
        {
            var listed = pack.ListedFiles().Where(f => !files.ContainsKey(f.FileName)).ToList();
            foreach (var file in listed)
                files[file.FileName] = BundleFile.FromFile(file.FileName, file.FullPath, executable: file.FileName == "createdump");
            runtimeLibraries.Add((pack, listed));
        }

        var executable = request.ExecutableName;
        var appHostFile = Path.Combine(appHost.Folder, "runtimes", rid, "native", "apphost");
        files[executable] = BundleFile.FromBytes(executable, AppHost.Bind(await File.ReadAllBytesAsync(appHostFile, cancellationToken).ConfigureAwait(false), request.HostAssemblyName), executable: true);
        files[runtimeConfig] = BundleFile.FromBytes(runtimeConfig, SelfContainedRuntimeConfig(Path.Combine(request.HostDirectory, runtimeConfig), version, request.ProbingPaths));
        files[depsFile] = BundleFile.FromBytes(depsFile, SelfContainedDeps(Path.Combine(request.HostDirectory, depsFile), rid, runtimeLibraries));
        _logger.LogInformation("Self-contained host for {Rid}: .NET {Version} from the runtime packs, {Count} files", rid, version, files.Count);
        return new SelfContainedHost(rid, version, executable, files.Values.ToList());
    }

    private static string RuntimeConfigName(string hostAssemblyName) => Path.GetFileNameWithoutExtension(hostAssemblyName) + ".runtimeconfig.json";

    /// <summary>The host's runtimeconfig with its frameworks included rather than required, and invariant globalization.</summary>
    internal static byte[] SelfContainedRuntimeConfig(string hostRuntimeConfig, string version, IReadOnlyList<string> probingPaths)
    {
        var config = ReadJson(hostRuntimeConfig);
        var options = config["runtimeOptions"]!.AsObject();
        var frameworks = new List<string>();
        if (options["framework"]?["name"]?.GetValue<string>() is { } single) frameworks.Add(single);
        if (options["frameworks"] is JsonArray many) frameworks.AddRange(many.Select(f => f!["name"]!.GetValue<string>()));
        options.Remove("framework");
        options.Remove("frameworks");
        options.Remove("rollForward");
        options["includedFrameworks"] = new JsonArray(frameworks.Select(name => (JsonNode)new JsonObject { ["name"] = name, ["version"] = version }).ToArray());
        var properties = options["configProperties"] as JsonObject ?? (JsonObject)(options["configProperties"] = new JsonObject());
        properties["System.Globalization.Invariant"] = true;
        // Without ICU, cultures still exist by name (invariant data): a function asking for "fr" gets its French
        // satellite resources instead of a CultureNotFoundException.
        properties["System.Globalization.PredefinedCulturesOnly"] = false;
        if (probingPaths.Count > 0) options["additionalProbingPaths"] = new JsonArray(probingPaths.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        return Serialize(config);
    }

    /// <summary>The host's deps.json for <paramref name="rid"/>, with a <c>runtimepack</c> library per pack listing its files.</summary>
    internal static byte[] SelfContainedDeps(string hostDeps, string rid, IReadOnlyList<(RuntimePack Pack, IReadOnlyList<RuntimePackFile> Files)> packs)
    {
        var deps = ReadJson(hostDeps);
        var targetName = deps["runtimeTarget"]!["name"]!.GetValue<string>();
        var ridTarget = targetName.Contains('/') ? targetName : $"{targetName}/{rid}";
        deps["runtimeTarget"]!["name"] = ridTarget;
        var targets = deps["targets"]!.AsObject();
        var libraries = targets[targetName]!.AsObject();
        targets.Remove(targetName);
        targets[ridTarget] = libraries;
        var libraryList = deps["libraries"]!.AsObject();
        foreach (var (pack, files) in packs)
        {
            var key = $"runtimepack.{pack.Id}/{pack.Version}";
            var runtime = new JsonObject();
            var native = new JsonObject();
            foreach (var file in files.OrderBy(f => f.FileName, StringComparer.Ordinal))
            {
                if (file.IsManaged) runtime[file.FileName] = new JsonObject { ["assemblyVersion"] = file.AssemblyVersion, ["fileVersion"] = file.FileVersion };
                else native[file.FileName] = new JsonObject { ["fileVersion"] = file.FileVersion ?? "0.0.0.0" };
            }
            libraries[key] = new JsonObject { ["runtime"] = runtime, ["native"] = native };
            libraryList[key] = new JsonObject { ["type"] = "runtimepack", ["serviceable"] = false, ["sha512"] = "" };
        }
        return Serialize(deps);
    }

    private static JsonObject ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllBytes(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();

    private static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, new JsonSerializerOptions { WriteIndented = true });
}
