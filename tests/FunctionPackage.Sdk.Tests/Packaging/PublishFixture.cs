using System.Text.Json;
using FunctionPackage.Sdk.Packaging;

namespace FunctionPackage.Sdk.Tests.Packaging;

/// <summary>
/// A synthetic publish on disk: own files, a publish deps.json, a project.assets.json and a package folder,
/// shaped like what the .NET SDK writes, so the packager can be tested without MSBuild.
/// </summary>
public sealed class PublishFixture : IDisposable
{
    public PublishFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "fpkg-unit", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(PublishDir);
        Directory.CreateDirectory(Path.GetDirectoryName(AssetsFile)!);
        WriteOwnFile("Fn.dll", "assembly bytes");
        WriteOwnFile("Fn.runtimeconfig.json", """
            { "runtimeOptions": { "tfm": "net10.0", "rollForward": "Major",
              "frameworks": [ { "name": "Microsoft.NETCore.App", "version": "10.0.0" }, { "name": "Microsoft.AspNetCore.App", "version": "10.0.0" } ] } }
            """);
        WriteOwnFile("data/prices.json", "{\"apple\": 1}");
        AddPackage("Zeta.Lib", "2.0.0", "emV0YQ==");
        AddPackage("Alpha.Lib", "1.0.0", "YWxwaGE=");
    }

    public string Root { get; }
    public string PublishDir => Path.Combine(Root, "publish");
    public string AssetsFile => Path.Combine(Root, "obj", "project.assets.json");
    public string DepsFile => Path.Combine(PublishDir, "Fn.deps.json");
    public string PackagesFolder => Path.Combine(Root, "packages");
    public string OutputPath => Path.Combine(Root, "out", "Fn.1.0.0.nupkg");

    public List<(string Id, string Version, string Sha512)> Packages { get; } = new();
    public List<OwnFile> OwnFiles { get; } = new();
    public List<PackageAsset> Assets { get; } = new();

    /// <summary>The deps.json runtime target's edges: library id (<c>Fn</c> for the function's project) to the ids it depends on.</summary>
    public Dictionary<string, string[]> DependsOn { get; } = new();

    /// <summary>Set to write a library into deps.json that the assets file does not know.</summary>
    public string? DepsOnlyPackage { get; set; }

    public void WriteOwnFile(string relativePath, string content)
    {
        var path = Path.Combine(PublishDir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        OwnFiles.RemoveAll(f => f.RelativePath == relativePath);
        OwnFiles.Add(new OwnFile(relativePath));
    }

    /// <summary>The sources of the assets file's project.restore.sources (what NuGet.config gave restore).</summary>
    public List<string> RestoreSources { get; } = new() { NuGetOrg, "/home/builder/local-feed" };

    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";

    /// <param name="source">The <c>source</c> restore records in the package's .nupkg.metadata; null writes no metadata file.</param>
    public void AddPackage(string id, string version, string sha512, string? source = NuGetOrg)
    {
        Packages.Add((id, version, sha512));
        var folder = Path.Combine(PackagesFolder, id.ToLowerInvariant(), version);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{id.ToLowerInvariant()}.{version}.nupkg"), $"nupkg of {id} {version}");
        if (source is not null)
            File.WriteAllText(Path.Combine(folder, ".nupkg.metadata"), JsonSerializer.Serialize(new { version = 2, contentHash = sha512, source }));
        Assets.Add(new PackageAsset(id, version, $"lib/net8.0/{id}.dll", "runtime", null, null, $"{id}.dll"));
    }

    public FunctionPackageRequest CreateRequest(string mode = "Reference")
    {
        WriteGraphFiles();
        return new FunctionPackageRequest
        {
            PackageId = "Fn",
            PackageVersion = "1.0.0",
            Description = "A test function.",
            Authors = "Tester",
            EntryAssembly = "Fn.dll",
            EntryPointType = "Fn.Handler",
            EntryPointMethod = "Handle",
            EntryPointShape = "static;input=poco;cancellation=false;result=value",
            TargetFramework = "net10.0",
            DependencyMode = mode,
            PublishDirectory = PublishDir,
            DepsFilePath = DepsFile,
            AssetsFilePath = AssetsFile,
            OwnFiles = OwnFiles.ToList(),
            PackageAssets = Assets.ToList(),
            OutputPath = OutputPath,
        };
    }

    private void WriteGraphFiles()
    {
        var depsLibraries = new Dictionary<string, object> { ["Fn/1.0.0"] = new { type = "project", serviceable = false, sha512 = "" } };
        var assetLibraries = new Dictionary<string, object>();
        foreach (var (id, version, sha) in Packages)
        {
            depsLibraries[$"{id}/{version}"] = new { type = "package", serviceable = true, sha512 = "sha512-" + sha, path = $"{id.ToLowerInvariant()}/{version}" };
            assetLibraries[$"{id}/{version}"] = new { sha512 = sha, type = "package", path = $"{id.ToLowerInvariant()}/{version}", files = Array.Empty<string>() };
        }
        if (DepsOnlyPackage is not null)
            depsLibraries[DepsOnlyPackage] = new { type = "package", serviceable = true, sha512 = "sha512-eA==", path = "x/1.0.0" };

        // The runtime target, shaped like the SDK's: "Id/Version": { "dependencies": { "Dep": "version" } }.
        var versions = Packages.ToDictionary(p => p.Id, p => p.Version);
        versions["Fn"] = "1.0.0";
        var target = depsLibraries.Keys.ToDictionary(key => key, key =>
        {
            var id = key.Split('/')[0];
            var dependsOn = DependsOn.TryGetValue(id, out var ids) ? ids : Array.Empty<string>();
            return (object)new { dependencies = dependsOn.ToDictionary(d => d, d => versions.TryGetValue(d, out var v) ? v : "9.9.9") };
        });
        File.WriteAllText(DepsFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["runtimeTarget"] = new { name = ".NETCoreApp,Version=v10.0" },
            ["targets"] = new Dictionary<string, object> { [".NETCoreApp,Version=v10.0"] = target },
            ["libraries"] = depsLibraries,
        }));
        File.WriteAllText(AssetsFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = 3,
            ["libraries"] = assetLibraries,
            ["packageFolders"] = new Dictionary<string, object> { [PackagesFolder + Path.DirectorySeparatorChar] = new { } },
            ["project"] = new
            {
                restore = new
                {
                    sources = RestoreSources.ToDictionary(source => source, _ => (object)new { }),
                },
            },
        }));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
