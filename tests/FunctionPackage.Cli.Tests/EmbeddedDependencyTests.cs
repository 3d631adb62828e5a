using System.Text.Json;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// A reference-mode package with one dependency marked <c>"embedded": true</c> (what the SDK writes for a package restored
/// from a local-only source, e.g. FSharp.Core from the .NET SDK's library packs): verify checks that dependency like embed
/// mode, install takes it from the package and only the others from a feed.
/// </summary>
public sealed class EmbeddedDependencyTests : InstallTestBase
{
    /// <summary>Dep.A from the feed, Dep.Local embedded (and not in the feed: a local-only package).</summary>
    private FunctionPackageBuilder Function()
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Feed, "Dep.A", "1.0.0"));
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Temp.Folder("local-only"), "Dep.Local", "3.0.0") with { Embedded = true });
        return builder;
    }

    private static IReadOnlyList<string> Codes(string package) => new PackageVerifier().Verify(package).Issues.Select(i => i.Code).ToList();

    [Fact]
    public void A_temp_folder_that_cannot_take_the_embedded_package_is_FPKG5028()
    {
        var package = Function().Build(Temp.Folder("out"));
        var noTemp = Temp.Combine("no-such-temp"); // never created: the spool file cannot be opened there

        var result = new PackageVerifier(tempFolder: noTemp).Verify(package);

        var issue = Assert.Single(result.Issues);
        Assert.Equal(DiagnosticCodes.TempSpaceUnavailable, issue.Code);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(issue.Code));
        Assert.Contains("TMPDIR", issue.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(noTemp));
    }

    [Fact]
    public void A_marked_dependency_with_its_nupkg_verifies()
    {
        var package = Function().Build(Temp.Folder("out"));

        var result = new PackageVerifier().Verify(package);

        Assert.True(result.IsValid, string.Join("\n", result.Issues.Select(i => i.Message)));
        Assert.Equal(FunctionPackageFormat.ReferenceMode, result.Manifest!.DependencyMode);
        Assert.Equal(new bool?[] { null, true }, result.Manifest.Dependencies.Select(d => d.Embedded));
    }

    [Fact]
    public void A_marked_dependency_without_its_nupkg_is_FPKG5013()
    {
        var builder = Function();
        // The manifest is consistent (files[] does not list it): only the marked dependency's package is missing.
        builder.EditManifest = manifest => manifest.Files.RemoveAll(f => f.Path == "packages/dep.local.3.0.0.nupkg");
        var package = builder.Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => zip.GetEntry("packages/dep.local.3.0.0.nupkg")!.Delete());

        Assert.Equal(new[] { DiagnosticCodes.EmbeddedPackageMissing }, Codes(package));
    }

    [Fact]
    public void A_marked_dependency_with_other_bytes_is_FPKG5014()
    {
        var builder = Function();
        var impostor = DependencyPackageBuilder.Build(Temp.Folder("impostor"), "Dep.Local", "3.0.0", salt: "evil");
        // files[] hashes the impostor too: the content hash pinned for the dependency is what catches it.
        builder.EditManifest = manifest => manifest.Files.Single(f => f.Path == "packages/dep.local.3.0.0.nupkg").Sha512 = ContentHash.Sha512(File.ReadAllBytes(impostor.NupkgPath));
        var package = builder.Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, "packages/dep.local.3.0.0.nupkg", File.ReadAllBytes(impostor.NupkgPath)));

        Assert.Equal(new[] { DiagnosticCodes.EmbeddedPackageHashMismatch }, Codes(package));
    }

    [Fact]
    public void A_nupkg_of_an_unmarked_dependency_is_FPKG5009()
    {
        var builder = Function();
        // Listed in files[] with a correct hash, so only the embedded-package rule can refuse it.
        var extra = File.ReadAllBytes(builder.Dependencies[0].NupkgPath);
        builder.EditManifest = manifest => manifest.Files.Add(new FileEntry { Path = "packages/dep.a.1.0.0.nupkg", Sha512 = ContentHash.Sha512(extra) });
        var package = builder.Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, "packages/dep.a.1.0.0.nupkg", extra));

        Assert.Equal(new[] { DiagnosticCodes.UnlistedFile }, Codes(package));
    }

    [Fact]
    public async Task Install_takes_the_marked_dependency_from_the_package_and_the_others_from_the_feed()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));

        var result = await FunctionInstaller.CreateDefault().InstallAsync(new InstallRequest
        {
            Package = package, Root = Root, Sources = new[] { Feed }, WorkingDirectory = Temp.Path,
        });

        Assert.Equal(2, result.PackagesAdded);
        foreach (var dependency in builder.Dependencies)
        {
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "packages", dependency.Id.ToLowerInvariant(), dependency.Version, ".nupkg.metadata")));
            Assert.Equal(dependency.ContentHash, metadata.RootElement.GetProperty("contentHash").GetString());
            var source = metadata.RootElement.GetProperty("source").GetString()!;
            Assert.True(dependency.Embedded == source.EndsWith("(embedded)", StringComparison.Ordinal), $"{dependency.Id} came from {source}");
        }
    }

    [Fact]
    public async Task Install_with_only_marked_dependencies_needs_no_source()
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Temp.Folder("local-only"), "Dep.Local", "3.0.0") with { Embedded = true });
        var package = builder.Build(Temp.Folder("out"));

        // No --source, no NuGet.config source, no manifest hint: nothing to fetch, so nothing is needed.
        var result = await FunctionInstaller.CreateDefault().InstallAsync(new InstallRequest { Package = package, Root = Root, WorkingDirectory = Temp.Path });

        Assert.Equal(1, result.PackagesAdded);
    }
}
