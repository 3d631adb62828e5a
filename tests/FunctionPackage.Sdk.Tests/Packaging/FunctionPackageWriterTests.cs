using System.IO.Compression;
using System.Xml.Linq;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.Packaging;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

public sealed class FunctionPackageWriterTests : IDisposable
{
    private readonly PublishFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Manifest_pins_the_resolved_closure_sorted_with_restore_hashes_and_asset_destinations()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var manifest = package.ReadManifest();
        Assert.Equal(new[] { "Alpha.Lib", "Zeta.Lib" }, manifest.Dependencies.Select(d => d.Id));
        var alpha = manifest.Dependencies[0];
        Assert.Equal("1.0.0", alpha.Version);
        Assert.Equal("YWxwaGE=", alpha.Sha512);
        Assert.Equal("alpha.lib/1.0.0", alpha.Path);
        var asset = Assert.Single(alpha.Assets);
        Assert.Equal(("lib/net8.0/Alpha.Lib.dll", "runtime", "Alpha.Lib.dll"), (asset.PathInPackage, asset.AssetType, asset.Destination));
        Assert.Equal("Fn.Handler", manifest.EntryPoint.Type);
        Assert.Equal("Handle", manifest.EntryPoint.Method);
        Assert.Equal("static;input=poco;cancellation=false;result=value", manifest.EntryPoint.Shape);
        Assert.Equal("Fn.dll", manifest.EntryPoint.Assembly);
        Assert.Equal(FunctionPackageFormat.ReferenceMode, manifest.DependencyMode);
    }

    [Fact]
    public void Own_files_are_embedded_at_their_publish_paths_and_hashed()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var manifest = package.ReadManifest();
        Assert.Equal(new[] { "function/Fn.dll", "function/Fn.runtimeconfig.json", "function/data/prices.json", FunctionPackageFormat.SbomPath }, manifest.Files.Select(f => f.Path));
        foreach (var file in manifest.Files)
        {
            Assert.Equal(ContentHash.Sha512(package.ReadBytes(file.Path)), file.Sha512);
        }
        Assert.DoesNotContain(package.EntryNames, n => n.StartsWith("packages/", StringComparison.Ordinal));
    }

    [Fact]
    public void Packaging_again_after_a_one_byte_edit_gives_the_new_bytes_hash_and_sbom()
    {
        // A build node keeps hashes, the SBOM and deflated entries for the next run: an edit that keeps the file's length
        // and write time must still reach every one of them.
        new FunctionPackageWriter().Write(_fixture.CreateRequest());
        var before = File.ReadAllBytes(_fixture.OutputPath);
        var dll = Path.Combine(_fixture.PublishDir, "Fn.dll");
        var stamp = File.GetLastWriteTimeUtc(dll);
        var edited = File.ReadAllBytes(dll);
        edited[0] ^= 0x20;
        File.WriteAllBytes(dll, edited);
        File.SetLastWriteTimeUtc(dll, stamp);

        var result = new FunctionPackageWriter().Write(_fixture.CreateRequest());

        Assert.True(result.Rewritten);
        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        Assert.Equal(edited, package.ReadBytes("function/Fn.dll"));
        var manifest = package.ReadManifest();
        var hash = ContentHash.Sha512(edited);
        Assert.Equal(hash, manifest.Files.Single(f => f.Path == "function/Fn.dll").Sha512);
        var sbom = package.ReadBytes(FunctionPackageFormat.SbomPath);
        Assert.Contains(CycloneDxSbom.Hex(hash), System.Text.Encoding.UTF8.GetString(sbom));
        Assert.Equal(ContentHash.Sha512(sbom), manifest.Files.Single(f => f.Path == FunctionPackageFormat.SbomPath).Sha512);
        Assert.False(before.AsSpan().SequenceEqual(File.ReadAllBytes(_fixture.OutputPath)));
    }

    [Fact]
    public void Runtime_comes_from_the_published_runtimeconfig()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var runtime = package.ReadManifest().Runtime;
        Assert.Equal("net10.0", runtime.Tfm);
        Assert.Equal("Major", runtime.RollForward);
        Assert.Equal(new[] { "Microsoft.AspNetCore.App:10.0.0", "Microsoft.NETCore.App:10.0.0" }, runtime.Frameworks.Select(f => $"{f.Name}:{f.Version}"));
        Assert.Null(runtime.Rid);
        Assert.False(runtime.SelfContained);
    }

    [Fact]
    public void Nuspec_lists_the_flat_closure_at_exact_versions_with_the_function_package_type()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var nuspec = package.ReadNuspec();
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var dependencies = nuspec.Descendants(ns + "dependency").Select(d => $"{d.Attribute("id")!.Value} {d.Attribute("version")!.Value}");
        Assert.Equal(new[] { "Alpha.Lib [1.0.0]", "Zeta.Lib [2.0.0]" }, dependencies);
        Assert.Equal(FunctionPackageFormat.PackageType, nuspec.Descendants(ns + "packageType").Single().Attribute("name")!.Value);
        Assert.Equal("net10.0", nuspec.Descendants(ns + "group").Single().Attribute("targetFramework")!.Value);
    }

    [Fact]
    public void Sources_are_not_recorded_by_default_so_two_machines_feed_settings_give_one_byte_stream()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());
        var first = File.ReadAllBytes(_fixture.OutputPath);
        File.Delete(_fixture.OutputPath);

        // Another machine: another NuGet.config (a private authenticated feed, a different folder feed).
        _fixture.RestoreSources.Clear();
        _fixture.RestoreSources.AddRange(new[] { "https://builder:token@feed.example.com/v3/index.json?sig=SECRET", "/srv/other-feed", PublishFixture.NuGetOrg });
        new FunctionPackageWriter().Write(_fixture.CreateRequest());

        Assert.Equal(first, File.ReadAllBytes(_fixture.OutputPath));
        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        Assert.Empty(package.ReadManifest().Sources);
    }

    [Fact]
    public void Recorded_sources_are_remote_only_and_never_carry_user_info_or_query_strings()
    {
        _fixture.RestoreSources.Add("https://builder:token@feed.example.com:8443/v3/index.json?sig=SECRET#frag");
        var request = _fixture.CreateRequest();
        request.RecordSources = true;

        var result = new FunctionPackageWriter().Write(request);

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        Assert.Equal(new[] { "https://api.nuget.org/v3/index.json", "https://feed.example.com:8443/v3/index.json" }, package.ReadManifest().Sources);
        var manifestText = System.Text.Encoding.UTF8.GetString(package.ReadBytes(FunctionPackageFormat.ManifestFileName));
        foreach (var secret in new[] { "builder", "token", "SECRET", "sig=", "frag", "/home/builder" })
            Assert.DoesNotContain(secret, manifestText, StringComparison.Ordinal);
        // The build log names the stripped source, never its secret.
        Assert.Equal(new[] { "https://feed.example.com:8443/v3/index.json" }, result.StrippedSources);
    }

    [Fact]
    public void Reference_mode_embeds_and_marks_a_dependency_restored_from_a_local_folder()
    {
        _fixture.AddPackage("FSharp.Core", "10.1.401", "ZnNoYXJw", source: "/usr/share/dotnet/sdk/10.0.401/FSharp/library-packs");

        var result = new FunctionPackageWriter().Write(_fixture.CreateRequest());

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var manifest = package.ReadManifest();
        Assert.Equal(FunctionPackageFormat.ReferenceMode, manifest.DependencyMode);
        Assert.Equal(new bool?[] { null, true, null }, manifest.Dependencies.Select(d => d.Embedded));
        Assert.Equal(new[] { "packages/fsharp.core.10.1.401.nupkg" }, package.EntryNames.Where(n => n.StartsWith("packages/", StringComparison.Ordinal)));
        Assert.Contains(manifest.Files, f => f.Path == "packages/fsharp.core.10.1.401.nupkg");
        var local = Assert.Single(result.LocalDependencies);
        Assert.Equal(("FSharp.Core", "10.1.401", "/usr/share/dotnet/sdk/10.0.401/FSharp/library-packs"), (local.Id, local.Version, local.Source));
        // Only the marked dependency has the member: other manifests keep their bytes.
        var manifestText = System.Text.Encoding.UTF8.GetString(package.ReadBytes(FunctionPackageFormat.ManifestFileName));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(manifestText, "\"embedded\": true"));
    }

    [Fact]
    public void Reference_mode_embeds_a_dependency_whose_restore_source_is_unknown()
    {
        _fixture.AddPackage("Fallback.Lib", "1.0.0", "ZmFsbGJhY2s=", source: null);

        var result = new FunctionPackageWriter().Write(_fixture.CreateRequest());

        Assert.Equal("Fallback.Lib", Assert.Single(result.LocalDependencies).Id);
        Assert.True(result.Manifest.Dependencies.Single(d => d.Id == "Fallback.Lib").Embedded);
    }

    [Fact]
    public void Embed_mode_marks_no_dependency_the_mode_says_it()
    {
        _fixture.AddPackage("FSharp.Core", "10.1.401", "ZnNoYXJw", source: "/usr/share/dotnet/sdk/10.0.401/FSharp/library-packs");

        var result = new FunctionPackageWriter().Write(_fixture.CreateRequest("Embed"));

        Assert.All(result.Manifest.Dependencies, d => Assert.Null(d.Embedded));
        Assert.Empty(result.LocalDependencies);
    }

    [Fact]
    public void A_local_dependency_with_embedding_turned_off_is_FPKG2013_naming_the_package_and_its_source()
    {
        _fixture.AddPackage("FSharp.Core", "10.1.401", "ZnNoYXJw", source: "/usr/share/dotnet/sdk/10.0.401/FSharp/library-packs");
        var request = _fixture.CreateRequest();
        request.EmbedLocalDependencies = false;

        var ex = Assert.Throws<FunctionPackageException>(() => new FunctionPackageWriter().Write(request));

        Assert.Equal(DiagnosticCodes.LocalDependencyNotEmbedded, ex.Code);
        Assert.Contains("FSharp.Core 10.1.401", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/share/dotnet/sdk/10.0.401/FSharp/library-packs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FunctionPackageEmbedLocalDependencies=true", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_fixture.OutputPath));
    }

    [Fact]
    public void Embed_mode_adds_each_original_nupkg_and_hashes_it()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest("Embed"));

        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var manifest = package.ReadManifest();
        Assert.Equal(FunctionPackageFormat.EmbedMode, manifest.DependencyMode);
        Assert.Contains("packages/alpha.lib.1.0.0.nupkg", package.EntryNames);
        Assert.Contains("packages/zeta.lib.2.0.0.nupkg", package.EntryNames);
        var entry = manifest.Files.Single(f => f.Path == "packages/alpha.lib.1.0.0.nupkg");
        Assert.Equal(ContentHash.Sha512(package.ReadBytes(entry.Path)), entry.Sha512);
    }

    [Fact]
    public void Same_inputs_give_identical_bytes()
    {
        var first = _fixture.CreateRequest();
        new FunctionPackageWriter().Write(first);
        var firstBytes = File.ReadAllBytes(_fixture.OutputPath);
        File.Delete(_fixture.OutputPath);

        // Item order from MSBuild must not matter either.
        var second = _fixture.CreateRequest();
        second.OwnFiles.Reverse();
        second.PackageAssets.Reverse();
        new FunctionPackageWriter().Write(second);

        Assert.Equal(firstBytes, File.ReadAllBytes(_fixture.OutputPath));
        using var zip = ZipFile.OpenRead(_fixture.OutputPath);
        Assert.All(zip.Entries, e => Assert.Equal(2000, e.LastWriteTime.Year));
    }

    [Fact]
    public void Unchanged_package_is_not_rewritten_and_a_changed_input_is()
    {
        var writer = new FunctionPackageWriter();
        Assert.True(writer.Write(_fixture.CreateRequest()).Rewritten);
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(_fixture.OutputPath, stamp);

        Assert.False(writer.Write(_fixture.CreateRequest()).Rewritten);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(_fixture.OutputPath));

        _fixture.WriteOwnFile("data/prices.json", "{\"apple\": 2}");
        Assert.True(writer.Write(_fixture.CreateRequest()).Rewritten);
        Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(_fixture.OutputPath));
    }

    [Fact]
    public void Missing_assets_file_is_FPKG2001()
    {
        var request = _fixture.CreateRequest();
        File.Delete(_fixture.AssetsFile);
        AssertFailsWithoutOutput(request, DiagnosticCodes.AssetsFileMissing);
    }

    [Fact]
    public void Dependency_without_hash_is_FPKG2002()
    {
        _fixture.AddPackage("NoHash.Lib", "1.0.0", "");
        AssertFailsWithoutOutput(_fixture.CreateRequest(), DiagnosticCodes.DependencyHashMissing, "NoHash.Lib/1.0.0");
    }

    [Fact]
    public void Self_contained_is_FPKG2004()
    {
        var request = _fixture.CreateRequest();
        request.SelfContained = true;
        AssertFailsWithoutOutput(request, DiagnosticCodes.SelfContainedNotSupported);
    }

    [Fact]
    public void Unknown_dependency_mode_is_FPKG2005()
        => AssertFailsWithoutOutput(_fixture.CreateRequest("Inline"), DiagnosticCodes.InvalidDependencyMode, "Inline");

    [Fact]
    public void Missing_deps_file_is_FPKG2006()
    {
        var request = _fixture.CreateRequest();
        File.Delete(_fixture.DepsFile);
        AssertFailsWithoutOutput(request, DiagnosticCodes.DepsFileMissing);
    }

    [Fact]
    public void Embed_mode_without_the_original_nupkg_is_FPKG2007()
    {
        var request = _fixture.CreateRequest("Embed");
        File.Delete(Path.Combine(_fixture.PackagesFolder, "zeta.lib", "2.0.0", "zeta.lib.2.0.0.nupkg"));
        AssertFailsWithoutOutput(request, DiagnosticCodes.EmbeddedPackageNotFound, "Zeta.Lib 2.0.0");
    }

    [Theory]
    [InlineData("Fn", "not-a-version")]
    [InlineData("Fn with spaces", "1.0.0")]
    [InlineData("Fn0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789", "1.0.0")]
    public void Invalid_identity_is_FPKG2008(string id, string version)
    {
        var request = _fixture.CreateRequest();
        request.PackageId = id;
        request.PackageVersion = version;
        AssertFailsWithoutOutput(request, DiagnosticCodes.InvalidPackageIdentity);
    }

    [Fact]
    public void A_platform_without_a_version_is_FPKG2016()
    {
        var request = _fixture.CreateRequest();
        request.TargetFramework = "net10.0-windows";
        AssertFailsWithoutOutput(request, DiagnosticCodes.TargetPlatformVersionMissing, "net10.0-windows");
    }

    [Fact]
    public void Missing_published_file_is_FPKG2009()
    {
        var request = _fixture.CreateRequest();
        File.Delete(Path.Combine(_fixture.PublishDir, "data", "prices.json"));
        AssertFailsWithoutOutput(request, DiagnosticCodes.PublishFileMissing, "prices.json");
    }

    [Fact]
    public void Unwritable_output_folder_is_FPKG2010()
    {
        var request = _fixture.CreateRequest();
        // The output folder's parent is a file, so the folder cannot be created.
        var blocker = Path.Combine(_fixture.Root, "blocker");
        File.WriteAllText(blocker, "not a folder");
        request.OutputPath = Path.Combine(blocker, "out", "Fn.1.0.0.nupkg");

        var ex = Assert.Throws<FunctionPackageException>(() => new FunctionPackageWriter().Write(request));

        Assert.Equal(DiagnosticCodes.PackageWriteFailed, ex.Code);
        Assert.Contains(request.OutputPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deps_library_unknown_to_restore_is_FPKG2012()
    {
        _fixture.DepsOnlyPackage = "Stale.Lib/9.9.9";
        AssertFailsWithoutOutput(_fixture.CreateRequest(), DiagnosticCodes.DependencyNotInAssetsFile, "Stale.Lib/9.9.9");
    }

    [Fact]
    public void Cancellation_leaves_no_package_and_no_temp_file()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() => new FunctionPackageWriter().Write(_fixture.CreateRequest(), cancellation.Token));
        AssertNoOutput();
    }

    [Fact]
    public void A_failed_write_keeps_the_previous_package_intact()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());
        var before = File.ReadAllBytes(_fixture.OutputPath);

        var request = _fixture.CreateRequest();
        File.Delete(Path.Combine(_fixture.PublishDir, "Fn.dll"));
        Assert.Throws<FunctionPackageException>(() => new FunctionPackageWriter().Write(request));

        Assert.Equal(before, File.ReadAllBytes(_fixture.OutputPath));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(_fixture.OutputPath)!));
    }

    private void AssertFailsWithoutOutput(FunctionPackageRequest request, string code, string? messageContains = null)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => new FunctionPackageWriter().Write(request));
        Assert.Equal(code, ex.Code);
        if (messageContains is not null) Assert.Contains(messageContains, ex.Message, StringComparison.Ordinal);
        AssertNoOutput();
    }

    private void AssertNoOutput()
    {
        var directory = Path.GetDirectoryName(_fixture.OutputPath)!;
        Assert.False(File.Exists(_fixture.OutputPath));
        Assert.True(!Directory.Exists(directory) || Directory.GetFiles(directory).Length == 0,
            "Leftover files: " + (Directory.Exists(directory) ? string.Join(", ", Directory.GetFiles(directory)) : ""));
    }
}
