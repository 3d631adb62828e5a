using System.Text;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using NuGet.Packaging;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>A small dependency .nupkg and what a function manifest records about it.</summary>
public sealed record DependencyPackage(string Id, string Version, string NupkgPath, string ContentHash, List<AssetDefinition> Assets)
{
    /// <summary>Reference mode: embed this one anyway and mark it <c>"embedded": true</c> (a local-only dependency).</summary>
    public bool Embedded { get; init; }

    public DependencyDefinition ToDefinition() => new()
    {
        Id = Id,
        Version = Version,
        Sha512 = ContentHash,
        Path = PackageNames.FolderPath(Id, Version),
        Embedded = Embedded ? true : null,
        Assets = Assets.Select(a => new AssetDefinition
        {
            PathInPackage = a.PathInPackage, AssetType = a.AssetType, Rid = a.Rid, Culture = a.Culture, Destination = a.Destination,
        }).ToList(),
    };
}

/// <summary>Builds dependency packages with NuGet's PackageBuilder: a runtime dll, a French satellite and a native asset.</summary>
public static class DependencyPackageBuilder
{
    /// <param name="salt">Changes the bytes (and so the content hash) without changing id or version: a "republished" package.</param>
    public static DependencyPackage Build(string feedFolder, string id, string version, string salt = "")
    {
        Directory.CreateDirectory(feedFolder);
        var builder = new PackageBuilder(deterministic: true)
        {
            Id = id,
            Version = NuGetVersion.Parse(version),
            Description = $"Test dependency {id}",
        };
        builder.Authors.Add("tests");
        var assets = new List<AssetDefinition>
        {
            new() { PathInPackage = $"lib/net8.0/{id}.dll", AssetType = FunctionPackageFormat.RuntimeAsset, Destination = $"{id}.dll" },
            new() { PathInPackage = $"lib/net8.0/fr/{id}.resources.dll", AssetType = FunctionPackageFormat.ResourceAsset, Culture = "fr", Destination = $"fr/{id}.resources.dll" },
            new() { PathInPackage = $"runtimes/linux-x64/native/lib{id.ToLowerInvariant()}.so", AssetType = FunctionPackageFormat.NativeAsset, Rid = "linux-x64", Destination = $"runtimes/linux-x64/native/lib{id.ToLowerInvariant()}.so" },
        };
        foreach (var asset in assets)
        {
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(Encoding.UTF8.GetBytes($"{id} {version} {asset.PathInPackage} {salt}")))
            {
                TargetPath = asset.PathInPackage,
            });
        }
        var path = Path.Combine(feedFolder, $"{id.ToLowerInvariant()}.{version.ToLowerInvariant()}.nupkg");
        using (var stream = File.Create(path)) builder.Save(stream);
        return new DependencyPackage(id, version, path, ContentHashOf(path), assets);
    }

    public static string ContentHashOf(string nupkgPath)
    {
        using var reader = new PackageArchiveReader(nupkgPath);
        return reader.GetContentHash(CancellationToken.None);
    }
}
