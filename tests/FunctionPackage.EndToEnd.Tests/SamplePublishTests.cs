using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests;

/// <summary>
/// The samples, copied out of the repository (central package management, project references, data files,
/// native and satellite assets, CloudEvent input), published for real.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SamplePublishTests
{
    private readonly EndToEndEnvironment _env;

    public SamplePublishTests(EndToEndEnvironment env) => _env = env;

    [Fact]
    public void Orders_flattens_the_project_reference_and_its_package_with_central_package_management()
    {
        var folder = _env.CopySamples("orders", "Orders", "Orders.Pricing");
        var project = ProjectCreator.Load(Path.Combine(folder, "Orders", "Orders.csproj"));

        project.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Orders"));
        var manifest = package.ReadManifest();
        Assert.Equal("Orders.OrderHandler", manifest.EntryPoint.Type);
        Assert.Equal("HandleAsync", manifest.EntryPoint.Method);

        // The project reference's output and the data file are the function's own files.
        foreach (var own in new[] { "function/Orders.dll", "function/Orders.Pricing.dll", "function/data/prices.json", "function/Orders.deps.json", "function/Orders.runtimeconfig.json" })
        {
            Assert.True(package.Contains(own), $"{own} missing; entries:\n{string.Join("\n", package.EntryNames)}");
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "Orders", "data", "prices.json")), package.ReadBytes("function/data/prices.json"));

        // The referenced project's package (versioned centrally) is a pinned dependency, not a file.
        Assert.DoesNotContain("function/Newtonsoft.Json.dll", package.EntryNames);
        var newtonsoft = Assert.Single(manifest.Dependencies);
        Assert.Equal("Newtonsoft.Json", newtonsoft.Id);
        Assert.Equal("13.0.3", newtonsoft.Version);
        Assert.Equal("newtonsoft.json/13.0.3", newtonsoft.Path);
        Assert.Equal(RestoreRecordedSha512(project.Directory, "Newtonsoft.Json", "13.0.3"), newtonsoft.Sha512);
        // Restored from nuget.org (an http feed): truly referenced, not embedded.
        Assert.Null(newtonsoft.Embedded);
        Assert.DoesNotContain(package.EntryNames, n => n.StartsWith("packages/", StringComparison.Ordinal));
        var asset = Assert.Single(newtonsoft.Assets);
        Assert.Equal("runtime", asset.AssetType);
        Assert.Equal("Newtonsoft.Json.dll", asset.Destination);

        var dependencies = package.ReadNuspec().Root!.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}").ToList();
        Assert.Equal(new[] { "Newtonsoft.Json [13.0.3]" }, dependencies);

        AssertFilesListMatchesEntries(package);
        AssertReproducesPublishFolder(package, Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish"), _env.Repository.PackagesFolder);
    }

    [Fact]
    public void Orders_in_embed_mode_carries_the_original_dependency_nupkg()
    {
        var folder = _env.CopySamples("orders-embed", "Orders", "Orders.Pricing");
        var project = ProjectCreator.Load(Path.Combine(folder, "Orders", "Orders.csproj"));

        project.TryPublish(Publish(("FunctionPackageDependencyMode", "Embed")), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Orders"));
        var manifest = package.ReadManifest();
        Assert.Equal("embed", manifest.DependencyMode);
        var embedded = "packages/newtonsoft.json.13.0.3.nupkg"; // as NuGet names it in a global packages folder
        Assert.Equal("packages/newtonsoft.json.13.0.3.nupkg", embedded);
        Assert.Equal(new[] { embedded }, package.EntryNames.Where(n => n.StartsWith("packages/", StringComparison.Ordinal)));
        // The very file restore downloaded (signed, so its content hash is not its file hash).
        var restored = Path.Combine(_env.Repository.PackagesFolder, "newtonsoft.json", "13.0.3", "newtonsoft.json.13.0.3.nupkg");
        Assert.Equal(File.ReadAllBytes(restored), package.ReadBytes(embedded));
        Assert.Equal(RestoreRecordedSha512(project.Directory, "Newtonsoft.Json", "13.0.3"), Assert.Single(manifest.Dependencies).Sha512);
        AssertFilesListMatchesEntries(package);
    }

    [Fact]
    public void WordCount_in_FSharp_embeds_the_FSharp_Core_restored_from_the_SDK_library_packs_and_references_nothing_else()
    {
        var folder = _env.CopySamples("wordcount", "WordCount");
        var project = ProjectCreator.Load(Path.Combine(folder, "WordCount", "WordCount.fsproj"));

        project.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "WordCount"));
        var manifest = package.ReadManifest();
        // An F# module is a static class: Namespace.Module::function.
        Assert.Equal(("WordCount.Counter", "handle"), (manifest.EntryPoint.Type, manifest.EntryPoint.Method));
        Assert.Equal(FunctionPackageFormat.ReferenceMode, manifest.DependencyMode);

        var fsharpCore = Assert.Single(manifest.Dependencies);
        Assert.Equal("FSharp.Core", fsharpCore.Id);
        Assert.True(fsharpCore.Embedded, output.GetConsoleLog());
        using (var metadata = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_env.Repository.PackagesFolder, fsharpCore.Path, ".nupkg.metadata"))))
        {
            var source = metadata.RootElement.GetProperty("source").GetString()!;
            Assert.False(FunctionPackageFormat.IsRemoteSource(source), $"FSharp.Core came from {source}, not the SDK's library packs: this test no longer tests the local-source rule.");
            Assert.Contains(output.Messages, m => m.Contains("FPKG2014", StringComparison.Ordinal) && m.Contains($"FSharp.Core {fsharpCore.Version}", StringComparison.Ordinal) && m.Contains(source, StringComparison.Ordinal));
        }
        var embedded = $"packages/{fsharpCore.Id.ToLowerInvariant()}.{fsharpCore.Version.ToLowerInvariant()}.nupkg";
        var restored = Path.Combine(_env.Repository.PackagesFolder, fsharpCore.Path, $"fsharp.core.{fsharpCore.Version}.nupkg");
        Assert.Equal(File.ReadAllBytes(restored), package.ReadBytes(embedded));
        Assert.Equal(RestoreRecordedSha512(project.Directory, fsharpCore.Id, fsharpCore.Version), fsharpCore.Sha512);
        Assert.Contains(output.Messages, m => m.Contains("1 dependency (reference mode, 1 embedded)", StringComparison.Ordinal));
        AssertFilesListMatchesEntries(package);
        AssertReproducesPublishFolder(package, Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish"), _env.Repository.PackagesFolder);
    }

    [Fact]
    public void Inventory_records_native_assets_with_rid_and_the_satellite_with_its_culture_pinned_by_restore_hash()
    {
        var folder = _env.CopySamples("inventory", "Inventory");
        var project = ProjectCreator.Load(Path.Combine(folder, "Inventory", "Inventory.csproj"));

        project.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Inventory"));
        var manifest = package.ReadManifest();
        Assert.Equal("Inventory.StockHandler", manifest.EntryPoint.Type);

        var ids = manifest.Dependencies.Select(d => d.Id).ToList();
        foreach (var id in new[] { "CloudNative.CloudEvents", "Humanizer.Core", "Humanizer.Core.fr", "Microsoft.Data.Sqlite", "Microsoft.Data.Sqlite.Core", "SQLitePCLRaw.core", "SQLitePCLRaw.lib.e_sqlite3" })
        {
            Assert.Contains(id, ids);
        }
        foreach (var dependency in manifest.Dependencies)
        {
            Assert.Equal(RestoreRecordedSha512(project.Directory, dependency.Id, dependency.Version), dependency.Sha512);
            Assert.Equal($"{dependency.Id.ToLowerInvariant()}/{dependency.Version.ToLowerInvariant()}", dependency.Path);
        }

        var native = manifest.Dependencies.Single(d => d.Id == "SQLitePCLRaw.lib.e_sqlite3").Assets
            .Single(a => a.Rid == "linux-x64" && a.AssetType == FunctionPackageFormat.NativeAsset);
        Assert.Equal("runtimes/linux-x64/native/libe_sqlite3.so", native.PathInPackage);
        Assert.Equal("runtimes/linux-x64/native/libe_sqlite3.so", native.Destination);

        var satellite = Assert.Single(manifest.Dependencies.Single(d => d.Id == "Humanizer.Core.fr").Assets);
        Assert.Equal(FunctionPackageFormat.ResourceAsset, satellite.AssetType);
        Assert.Equal("fr", satellite.Culture);
        Assert.Equal("fr/Humanizer.resources.dll", satellite.Destination);

        Assert.DoesNotContain(package.EntryNames, n => n.StartsWith("function/runtimes/", StringComparison.Ordinal) || n.StartsWith("function/fr/", StringComparison.Ordinal));
        AssertFilesListMatchesEntries(package);
        AssertReproducesPublishFolder(package, Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish"), _env.Repository.PackagesFolder);
    }

    [Fact]
    public void Inventory_published_for_one_rid_keeps_only_that_rid_native_asset_at_the_root()
    {
        var folder = _env.CopySamples("inventory-rid", "Inventory");
        var project = ProjectCreator.Load(Path.Combine(folder, "Inventory", "Inventory.csproj"));

        project.TryPublish(Publish(), out var result, out var output, "-r", "linux-x64", "--self-contained", "false");

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Inventory"));
        var manifest = package.ReadManifest();
        Assert.Equal("linux-x64", manifest.Runtime.Rid);
        var native = Assert.Single(manifest.Dependencies.Single(d => d.Id == "SQLitePCLRaw.lib.e_sqlite3").Assets);
        Assert.Equal("native", native.AssetType);
        Assert.Equal("runtimes/linux-x64/native/libe_sqlite3.so", native.PathInPackage);
        Assert.Equal("libe_sqlite3.so", native.Destination);
        AssertReproducesPublishFolder(package, Path.Combine(project.Directory, "bin", "Release", "net10.0", "linux-x64", "publish"), _env.Repository.PackagesFolder);
    }
}
