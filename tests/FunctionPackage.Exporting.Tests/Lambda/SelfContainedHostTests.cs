using System.Diagnostics;
using System.Text.Json;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionPackage.Exporting.Tests.Lambda;

/// <summary>
/// <see cref="SelfContainedHostBuilder"/>: the host made self-contained from the runtime packs of the NuGet.config feed
/// (hash-pinned), written to a folder and started there with no .NET on PATH or DOTNET_ROOT — the hostfxr it loads is
/// the bundle's own (COREHOST_TRACE); refusals are coded and leave nothing in the cache.
/// </summary>
public sealed class SelfContainedHostTests : IDisposable
{
    private readonly TestRoot _root = new("self-contained-host");

    public void Dispose() => _root.Dispose();

    private static SelfContainedHostBuilder Builder() => new(new RuntimePacks(new NuGetFeedSource(NullLogger.Instance), NullLogger.Instance), NullLogger.Instance);

    private static SelfContainedHostRequest Request(string rid, string? cache = null, IReadOnlyList<string>? sources = null, string? version = null) => new()
    {
        HostDirectory = LambdaTestPaths.HostDirectory,
        RuntimeIdentifier = rid,
        RuntimeVersion = version,
        ExecutableName = "bootstrap",
        Packs = new RuntimePackRequest
        {
            CacheFolder = cache ?? LambdaTestPaths.RuntimePackCache,
            Sources = sources ?? Array.Empty<string>(),
            WorkingDirectory = RepoPaths.Root,
        },
    };

    [Fact]
    public async Task The_linux_x64_host_starts_self_contained_with_no_dotnet_installed_and_is_reproducible()
    {
        var host = await Builder().BuildAsync(Request("linux-x64"));
        var again = await Builder().BuildAsync(Request("linux-x64"));
        Assert.Equal(RuntimePacks.DefaultVersion(10), host.RuntimeVersion);
        Assert.Equal(host.Files.Select(f => (f.Path, f.Executable, f.Length)), again.Files.Select(f => (f.Path, f.Executable, f.Length)));
        foreach (var (a, b) in host.Files.Zip(again.Files).Where(p => p.First.Content is not null))
            Assert.Equal(a.Content, b.Content);
        Assert.Contains(host.Files, f => f.Path == "bootstrap" && f.Executable);
        Assert.Contains(host.Files, f => f.Path == "libhostfxr.so");
        Assert.Contains(host.Files, f => f.Path == "Microsoft.AspNetCore.Server.Kestrel.Core.dll");
        Assert.DoesNotContain(host.Files, f => f.Path == "FunctionPackage.Host");

        var folder = _root.Combine("host");
        BundleFile.WriteFolder(host.Files, folder);
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "FunctionPackage.Host.runtimeconfig.json"))).RootElement.GetProperty("runtimeOptions");
        Assert.False(config.TryGetProperty("frameworks", out _));
        Assert.Equal(new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" }.Order(), config.GetProperty("includedFrameworks").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order());
        Assert.True(config.GetProperty("configProperties").GetProperty("System.Globalization.Invariant").GetBoolean());
        Assert.False(config.GetProperty("configProperties").GetProperty("System.Globalization.PredefinedCulturesOnly").GetBoolean());
        Assert.Equal(UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "bootstrap")) & UnixFileMode.UserExecute);

        // No dotnet anywhere the apphost would look; the trace names the hostfxr it loaded.
        var start = new ProcessStartInfo(Path.Combine(folder, "bootstrap")) { WorkingDirectory = _root.Path };
        LambdaTestPaths.ClearDotnet(start);
        start.Environment["COREHOST_TRACE"] = "1";
        start.Environment["COREHOST_TRACE_VERBOSITY"] = "3";
        start.ArgumentList.Add("invoke");
        start.ArgumentList.Add("--function");
        start.ArgumentList.Add(_root.Combine("no-such-function"));
        var (exitCode, stdout, stderr) = await LambdaTestPaths.RunAsync(start, TimeSpan.FromSeconds(60));
        var log = $"exit {exitCode}\n{stdout}\n{stderr}";
        Assert.True(exitCode == 3, log); // the host ran: FPKG4001, no function.json
        Assert.Contains("FPKG4001", stderr);
        Assert.Contains(Path.Combine(folder, "libhostfxr.so"), stderr);
        Assert.Contains("self-contained", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_linux_arm64_host_has_arm64_binaries()
    {
        var host = await Builder().BuildAsync(Request("linux-arm64"));
        foreach (var name in new[] { "bootstrap", "libcoreclr.so", "libhostfxr.so" })
        {
            var file = host.Files.Single(f => f.Path == name);
            using var stream = file.OpenRead();
            var header = new byte[20];
            stream.ReadExactly(header);
            Assert.Equal("\u007fELF"u8.ToArray(), header[..4]);
            Assert.Equal(183, BitConverter.ToUInt16(header, 18)); // e_machine EM_AARCH64
        }
    }

    [Fact]
    public async Task A_rid_or_version_it_cannot_build_is_refused_before_anything_is_fetched()
    {
        var cache = _root.Combine("cache");
        var rid = await Assert.ThrowsAsync<FunctionPackageException>(() => Builder().BuildAsync(Request("win-x64", cache)));
        Assert.Equal(ExportErrors.SelfContainedRuntimeIdentifier, rid.Code);
        Assert.Contains("linux-x64, linux-arm64", rid.Message);
        var version = await Assert.ThrowsAsync<FunctionPackageException>(() => Builder().BuildAsync(Request("linux-x64", cache, version: "10.0.3")));
        Assert.Equal(ExportErrors.RuntimeVersionNotPinned, version.Code);
        Assert.Contains("--runtime-version", version.Message);
        Assert.False(Directory.Exists(cache));
    }

    [Fact]
    public async Task A_pack_missing_from_the_sources_or_not_matching_its_pin_is_refused_and_not_cached()
    {
        var cache = _root.Combine("cache");
        var empty = Directory.CreateDirectory(_root.Combine("empty-feed")).FullName;
        var missing = await Assert.ThrowsAsync<FunctionPackageException>(() => Builder().BuildAsync(Request("linux-x64", cache, new[] { empty })));
        Assert.Equal(ExportErrors.RuntimePackMissing, missing.Code);
        Assert.Contains(empty, missing.Message);

        // A feed serving packages under the packs' names and version but with other bytes.
        var version = RuntimePacks.DefaultVersion(10);
        var forged = _root.Combine("forged-feed");
        foreach (var id in new[] { "Microsoft.NETCore.App.Runtime.linux-x64", "Microsoft.AspNetCore.App.Runtime.linux-x64", "Microsoft.NETCore.App.Host.linux-x64" })
            DependencyPackageBuilder.Build(forged, id, version);
        var tampered = await Assert.ThrowsAsync<FunctionPackageException>(() => Builder().BuildAsync(Request("linux-x64", cache, new[] { forged })));
        Assert.Equal(ExportErrors.RuntimePackHash, tampered.Code);
        Assert.Contains("not the pinned", tampered.Message);
        Assert.Empty(Directory.EnumerateDirectories(cache).Where(d => Path.GetFileName(d) != ".staging"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(cache, ".staging")));
    }
}
