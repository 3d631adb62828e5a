using System.Text.Json;
using FunctionPackage.Model;

namespace FunctionPackage.Host.Tests.Support;

/// <summary>
/// Builds the <c>fnpkg install</c> layout from a publish folder without the SDK or the CLI:
/// <c>&lt;root&gt;/functions/&lt;id&gt;/&lt;version&gt;/{function.json, function/}</c> with every package asset named by the
/// deps.json moved out of <c>function/</c> into <c>&lt;root&gt;/packages/&lt;lowerid&gt;/&lt;lowerversion&gt;/&lt;pathInPackage&gt;</c>.
/// </summary>
internal sealed record InstalledLayout(string Root, string FunctionDirectory, string PackagesDirectory, FunctionManifest Manifest)
{
    public string FunctionFiles => Path.Combine(FunctionDirectory, "function");

    public static InstalledLayout Create(string publishDirectory, string root, string id, string version, string assemblyName, string type, string method)
    {
        var functionDirectory = Path.Combine(root, "functions", id.ToLowerInvariant(), version.ToLowerInvariant());
        var files = Path.Combine(functionDirectory, "function");
        var packages = Path.Combine(root, "packages");
        CopyDirectory(publishDirectory, files);
        Directory.CreateDirectory(packages);

        var manifest = new FunctionManifest
        {
            Id = id,
            Version = version,
            Description = "test function",
            EntryPoint = new EntryPointDefinition { Assembly = assemblyName + ".dll", Type = type, Method = method },
        };

        using var deps = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(files, assemblyName + ".deps.json")));
        var targetName = deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        manifest.Runtime.Tfm = targetName.Contains("v8.0") ? "net8.0" : "net10.0";
        manifest.Runtime.Frameworks.Add(new FrameworkDefinition { Name = "Microsoft.NETCore.App", Version = manifest.Runtime.Tfm == "net8.0" ? "8.0.0" : "10.0.0" });
        var libraries = deps.RootElement.GetProperty("libraries");
        foreach (var library in deps.RootElement.GetProperty("targets").GetProperty(targetName).EnumerateObject())
        {
            var info = libraries.GetProperty(library.Name);
            if (info.GetProperty("type").GetString() != "package") continue;
            var slash = library.Name.IndexOf('/');
            var dependency = new DependencyDefinition
            {
                Id = library.Name[..slash],
                Version = library.Name[(slash + 1)..],
                Sha512 = ContentHash.StripPrefix(info.GetProperty("sha512").GetString()!),
                Path = info.GetProperty("path").GetString()!,
            };
            foreach (var (group, assetType) in new[] { ("runtime", "runtime"), ("runtimeTargets", ""), ("resources", "resources") })
            {
                if (!library.Value.TryGetProperty(group, out var assets)) continue;
                foreach (var asset in assets.EnumerateObject())
                {
                    var pathInPackage = asset.Name;
                    string destination, kind;
                    string? culture = null, rid = null;
                    if (group == "runtime") { destination = Path.GetFileName(pathInPackage); kind = assetType; }
                    else if (group == "resources")
                    {
                        culture = asset.Value.GetProperty("locale").GetString()!;
                        destination = $"{culture}/{Path.GetFileName(pathInPackage)}";
                        kind = assetType;
                    }
                    else
                    {
                        destination = pathInPackage;
                        kind = asset.Value.GetProperty("assetType").GetString()!;
                        rid = asset.Value.GetProperty("rid").GetString();
                    }
                    var published = Path.Combine(files, destination);
                    if (!File.Exists(published)) continue; // e.g. a .a static library publish skipped
                    var target = Path.Combine(packages, dependency.Path, pathInPackage);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Move(published, target, overwrite: true);
                    dependency.Assets.Add(new AssetDefinition { PathInPackage = pathInPackage, AssetType = kind, Culture = culture, Rid = rid, Destination = destination });
                }
            }
            manifest.Dependencies.Add(dependency);
        }
        DeleteEmptyDirectories(files);

        foreach (var file in Directory.EnumerateFiles(files, "*", SearchOption.AllDirectories))
        {
            manifest.Files.Add(new FileEntry { Path = "function/" + Path.GetRelativePath(files, file).Replace('\\', '/'), Sha512 = ContentHash.Sha512File(file) });
        }
        File.WriteAllBytes(Path.Combine(functionDirectory, FunctionPackageFormat.ManifestFileName), FunctionManifestSerializer.Serialize(manifest));
        File.WriteAllText(Path.Combine(functionDirectory, "install.json"), "{}\n");
        return new InstalledLayout(root, functionDirectory, packages, manifest);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void DeleteEmptyDirectories(string root)
    {
        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
        }
    }
}
