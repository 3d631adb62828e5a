using System.IO.Compression;
using System.Text;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using NuGet.Frameworks;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>
/// Builds a function package the way the SDK lays it out (format v1), with fake function bytes and a correct manifest.
/// Hooks let a test produce each kind of broken or tampered package.
/// </summary>
public sealed class FunctionPackageBuilder
{
    public string Id { get; set; } = "Hello.Function";
    public string Version { get; set; } = "1.0.0";
    public string DependencyMode { get; set; } = FunctionPackageFormat.ReferenceMode;
    public List<DependencyPackage> Dependencies { get; } = new();
    public List<FrameworkDefinition> Frameworks { get; } = new() { new() { Name = "Microsoft.NETCore.App", Version = "10.0.0" } };
    public string? Rid { get; set; }
    public bool IncludePackageType { get; set; } = true;
    public List<string> Sources { get; } = new();

    /// <summary>The function's own files relative to function/.</summary>
    public Dictionary<string, byte[]> FunctionFiles { get; } = new(StringComparer.Ordinal)
    {
        ["Hello.Function.dll"] = Encoding.UTF8.GetBytes("not really an assembly"),
        ["Hello.Function.deps.json"] = Encoding.UTF8.GetBytes("{}"),
        ["Hello.Function.runtimeconfig.json"] = Encoding.UTF8.GetBytes("{}"),
        ["data/greeting.txt"] = Encoding.UTF8.GetBytes("hello"),
    };

    /// <summary>The bytes of sbom.cdx.json, packed and listed in files[] like the SDK does; null packs none (an older package).</summary>
    public byte[]? Sbom { get; set; }

    /// <summary>Runs after the manifest's hashes are computed, before it is written: a manifest edited after packing.</summary>
    public Action<FunctionManifest>? EditManifest { get; set; }
    /// <summary>Replaces the nuspec dependency list (id, exact version).</summary>
    public List<(string Id, string Version)>? NuspecDependencies { get; set; }
    /// <summary>Replaces the nuspec id.</summary>
    public string? NuspecId { get; set; }

    public string Build(string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        var embed = DependencyMode == FunctionPackageFormat.EmbedMode;
        var payload = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, bytes) in FunctionFiles) payload[FunctionPackageFormat.FunctionFolder + path] = bytes;
        foreach (var dependency in Dependencies.Where(d => embed || d.Embedded))
        {
            payload[PackageNames.EmbeddedPackagePath(dependency.Id, dependency.Version)] = File.ReadAllBytes(dependency.NupkgPath);
        }
        if (Sbom is not null) payload[FunctionPackageFormat.SbomPath] = Sbom;

        var manifest = new FunctionManifest
        {
            Id = Id,
            Version = Version,
            Description = "A test function",
            EntryPoint = new EntryPointDefinition { Assembly = "Hello.Function.dll", Type = "Hello.Function.Greeter", Method = "Handle" },
            Runtime = new RuntimeDefinition { Tfm = "net10.0", Frameworks = Frameworks.ToList(), RollForward = null, Rid = Rid, SelfContained = false },
            DependencyMode = DependencyMode,
            Dependencies = Dependencies.Select(d => d.ToDefinition()).ToList(),
            Files = payload.Select(p => new FileEntry { Path = p.Key, Sha512 = ContentHash.Sha512(p.Value) }).ToList(),
            Sources = Sources.ToList(),
        };
        EditManifest?.Invoke(manifest);

        var builder = new PackageBuilder(deterministic: true)
        {
            Id = NuspecId ?? Id,
            Version = NuGetVersion.Parse(Version),
            Description = "A test function",
        };
        builder.Authors.Add("tests");
        if (IncludePackageType) builder.PackageTypes.Add(new PackageType(FunctionPackageFormat.PackageType, new Version(0, 0)));
        var nuspecDependencies = NuspecDependencies ?? Dependencies.Select(d => (d.Id, d.Version)).ToList();
        builder.DependencyGroups.Add(new PackageDependencyGroup(NuGetFramework.Parse("net10.0"),
            nuspecDependencies.Select(d => new PackageDependency(d.Id, VersionRange.Parse($"[{d.Version}]")))));
        builder.Files.Add(new PhysicalPackageFile(new MemoryStream(FunctionManifestSerializer.Serialize(manifest))) { TargetPath = FunctionPackageFormat.ManifestFileName });
        foreach (var (path, bytes) in payload)
        {
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(bytes)) { TargetPath = path });
        }
        var file = Path.Combine(outputFolder, $"{Id.ToLowerInvariant()}.{Version.ToLowerInvariant()}.nupkg");
        using (var stream = File.Create(file)) builder.Save(stream);
        return file;
    }

    /// <summary>Edits a built .nupkg in place at the zip level: what an attacker or a broken tool could do after packing.</summary>
    public static void EditZip(string nupkg, Action<ZipArchive> edit)
    {
        using var zip = ZipFile.Open(nupkg, ZipArchiveMode.Update);
        edit(zip);
    }

    public static void ReplaceEntry(ZipArchive zip, string name, byte[] bytes)
    {
        zip.GetEntry(name)!.Delete();
        AddEntry(zip, name, bytes);
    }

    public static void AddEntry(ZipArchive zip, string rawName, byte[] bytes)
    {
        using var stream = zip.CreateEntry(rawName).Open();
        stream.Write(bytes);
    }
}
