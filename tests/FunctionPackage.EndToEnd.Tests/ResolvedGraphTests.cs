using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests;

/// <summary>The dependency list is the resolved graph, not the PackageReference lines.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ResolvedGraphTests
{
    private readonly EndToEndEnvironment _env;

    public ResolvedGraphTests(EndToEndEnvironment env) => _env = env;

    [Fact]
    public void A_version_bumped_by_NU1603_is_pinned_at_the_version_restore_chose()
    {
        // Humanizer.Core 2.14.0 is not served; restore takes 2.14.1 and warns NU1603.
        var project = Hello(_env.NewFolder("nu1603"))
            .ItemPackageReference("Humanizer.Core", "2.14.0")
            .Property("NoWarn", "$(NoWarn);NU1603")
            .TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        var humanizer = Assert.Single(package.ReadManifest().Dependencies);
        Assert.Equal(("Humanizer.Core", "2.14.1"), (humanizer.Id, humanizer.Version));
        Assert.Equal(RestoreRecordedSha512(project.Directory, "Humanizer.Core", "2.14.1"), humanizer.Sha512);
    }

    [Fact]
    public void Development_only_packages_are_not_runtime_dependencies_and_transitive_ones_are()
    {
        // xunit.analyzers: analyzer-only; Microsoft.Data.Sqlite brings transitive SQLitePCLRaw packages.
        var project = Hello(_env.NewFolder("devonly"))
            .ItemPackageReference("xunit.analyzers", "1.26.0", privateAssets: "all")
            .ItemPackageReference("Microsoft.Data.Sqlite", "10.0.15")
            .TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        var ids = package.ReadManifest().Dependencies.Select(d => d.Id).ToList();
        Assert.DoesNotContain("xunit.analyzers", ids);
        Assert.DoesNotContain("FunctionPackage.Sdk", ids);
        Assert.Contains("SQLitePCLRaw.core", ids);
        Assert.Contains("SQLitePCLRaw.lib.e_sqlite3", ids);
        // Dependencies are written in ordinal order of their lower-case ids.
        Assert.Equal(ids.OrderBy(i => i.ToLowerInvariant(), StringComparer.Ordinal), ids);
    }

    [Fact]
    public void Publish_with_no_restore_and_no_assets_file_stops_before_packaging()
    {
        var project = Hello(_env.NewFolder("norestore")).Save();

        project.TryPublish(Publish(), out var result, out var output, "--no-restore");

        // Without an assets file the .NET SDK itself stops first (NETSDK1004); FPKG2001 guards the packager for the
        // cases the SDK lets through (unit-tested in FunctionPackageWriterTests). Either way nothing is packaged.
        Assert.False(result, output.GetConsoleLog());
        Assert.Contains("NETSDK1004", output.ErrorCodes);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "bin", "Release", "functionpackage")));
    }
}
