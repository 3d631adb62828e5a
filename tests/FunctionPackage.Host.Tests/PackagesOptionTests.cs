using System.Text.Json;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// <c>--packages</c>: the host as fnpkg runs it in its own process — no <c>--additionalprobingpath</c>; the function's
/// package assets (managed, satellite, native) are found from function.json's dependencies in the packages folder.
/// </summary>
public sealed class PackagesOptionTests : IClassFixture<HumanePackagesOptionHost>, IDisposable
{
    private readonly HumanePackagesOptionHost _fixture;
    private readonly TestRoot _root = new("host-packages-option");

    public PackagesOptionTests(HumanePackagesOptionHost fixture) => _fixture = fixture;

    public void Dispose() => _root.Dispose();

    [Fact]
    public Task Serve_loads_managed_satellite_and_native_package_assets_from_the_packages_folder()
        => ServeProbingTests.AssertPackageAssetsLoadFromTheInstall(_fixture);

    [Fact]
    public async Task Invoke_finds_the_packages_the_same_way()
    {
        var layout = await HumaneLayoutAsync();
        var (exit, stdout, stderr) = await HostProcess.RunAsync(null,
            "invoke", "--function", layout.FunctionDirectory, "--packages", layout.PackagesDirectory, "--data", """{"number":7,"days":3}""");
        Assert.True(exit == ExitCodes.Success, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("seven", result.GetProperty("words").GetString());
        Assert.Equal("3 jours", result.GetProperty("french").GetString());
        Assert.StartsWith(layout.PackagesDirectory + Path.DirectorySeparatorChar, result.GetProperty("humanizerPath").GetString());
    }

    /// <summary>The control: with neither a probing path nor --packages the same install cannot run.</summary>
    [Fact]
    public async Task Without_a_probing_path_or_packages_the_package_assemblies_are_not_found()
    {
        var layout = await HumaneLayoutAsync();
        var (exit, _, stderr) = await HostProcess.RunAsync(null,
            "invoke", "--function", layout.FunctionDirectory, "--data", """{"number":7,"days":3}""");
        Assert.True(exit == ExitCodes.FunctionFailed, stderr);
        // Humane touches Microsoft.Data.Sqlite first: a package assembly, in packages/ only.
        Assert.True(stderr.Contains("Could not load file or assembly 'Microsoft.Data.Sqlite", StringComparison.Ordinal), stderr);
    }

    [Theory]
    [InlineData("linux-x64", "linux-x64,linux,unix,any")]
    [InlineData("linux-musl-arm64", "linux-musl-arm64,linux-musl,linux,unix,any")]
    [InlineData("osx-arm64", "osx-arm64,osx,unix,any")]
    [InlineData("win-x64", "win-x64,win,any")]
    public void Rid_fallback_follows_the_portable_rid_graph(string rid, string expected)
        => Assert.Equal(expected, string.Join(',', InstalledAssetResolver.RidFallback(rid)));

    private async Task<InstalledLayout> HumaneLayoutAsync()
        => InstalledLayout.Create(await TestFunctionBuilds.GetPublishDirectoryAsync("Humane"), _root.Path, "Test.Humane.Invoke", "1.0.0", "Humane", "TestFunctions.Humane", "Describe");
}
