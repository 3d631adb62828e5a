using System.Diagnostics;
using System.IO.Compression;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Testing;
using Xunit.Abstractions;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// A feed that streams an endless or oversized .nupkg is cut off at FNPKG_MAX_TOTAL_BYTES while the bytes arrive (FPKG5119),
/// with nothing left on disk. In the environment collection: the limit is lowered through the variable.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class InstallDownloadLimitTests : IDisposable
{
    private const long Limit = 1024 * 1024;
    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _log;
    private readonly string _root;
    private readonly FunctionPackageBuilder _builder;
    private readonly string _package;

    public InstallDownloadLimitTests(ITestOutputHelper log)
    {
        _log = log;
        _root = _temp.Combine("root");
        _builder = new FunctionPackageBuilder();
        _builder.Dependencies.Add(DependencyPackageBuilder.Build(_temp.Folder("deps"), "Dep.A", "1.0.0"));
        _package = _builder.Build(_temp.Folder("out"));
        Environment.SetEnvironmentVariable(PackageLimits.TotalVariable, Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PackageLimits.TotalVariable, null);
        _temp.Dispose();
    }

    private InstallRequest Request(string package, string source) => new()
    {
        Package = package,
        Root = _root,
        Sources = new[] { source },
        WorkingDirectory = _temp.Path,
    };

    [Theory]
    [InlineData(false)] // a dependency .nupkg
    [InlineData(true)]  // the function package itself (id@version)
    public async Task Feed_streaming_an_endless_body_is_cut_off_at_the_limit_FPKG5119_naming_source_and_variable(bool functionPackageFromFeed)
    {
        using var feed = StaticNuGetFeed.Start(_package, _builder.Dependencies[0].NupkgPath);
        feed.NupkgFault = FeedFault.EndlessBody;
        var watch = Stopwatch.StartNew();

        var ex = await InstallAssert.Fails(FunctionInstaller.CreateDefault().InstallAsync(Request(functionPackageFromFeed ? "Hello.Function@1.0.0" : _package, feed.IndexUrl)),
            DiagnosticCodes.SourcePackageTooLarge, ExitCodes.VerificationFailed, _log.WriteLine);

        _log.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s, feed sent {feed.NupkgBytesSent} bytes");
        Assert.Contains(feed.IndexUrl, ex.Message, StringComparison.Ordinal);
        Assert.Contains(functionPackageFromFeed ? "Hello.Function" : "Dep.A", ex.Message, StringComparison.Ordinal);
        Assert.Contains(PackageLimits.TotalVariable, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        InstallAssert.NothingInstalled(_root);
        // fnpkg hung up long before the feed's end, and the body stops growing.
        Assert.True(feed.NupkgBytesSent < StaticNuGetFeed.EndlessBodyBytes, $"fnpkg read all {feed.NupkgBytesSent} bytes");
        await Task.Delay(300);
        var sent = feed.NupkgBytesSent;
        await Task.Delay(500);
        Assert.Equal(sent, feed.NupkgBytesSent);
    }

    [Fact]
    public async Task Endless_body_through_the_cli_is_exit_2_with_the_code()
    {
        using var feed = StaticNuGetFeed.Start(_package, _builder.Dependencies[0].NupkgPath);
        feed.NupkgFault = FeedFault.EndlessBody;
        var output = new StringWriter();

        var exitCode = await CliApplication.RunAsync(new[] { "install", "Hello.Function@1.0.0", "--root", _root, "--source", feed.IndexUrl }, output);

        _log.WriteLine(output.ToString());
        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        InstallAssert.NothingInstalled(_root);
    }

    [Fact]
    public async Task Folder_feed_holding_an_oversized_package_is_FPKG5119_naming_the_folder()
    {
        // A valid .nupkg padded past the limit with a stored (uncompressed) entry: the folder feed reads it as a package.
        var folder = _temp.Folder("big-feed");
        var oversized = Path.Combine(folder, "dep.a.1.0.0.nupkg");
        File.Copy(_builder.Dependencies[0].NupkgPath, oversized);
        using (var zip = ZipFile.Open(oversized, ZipArchiveMode.Update))
        {
            using var padding = zip.CreateEntry("padding.bin", CompressionLevel.NoCompression).Open();
            padding.Write(new byte[Limit + 1]);
        }

        var ex = await InstallAssert.Fails(FunctionInstaller.CreateDefault().InstallAsync(Request(_package, folder)),
            DiagnosticCodes.SourcePackageTooLarge, ExitCodes.VerificationFailed, _log.WriteLine);

        Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        Assert.Contains(PackageLimits.TotalVariable, ex.Message, StringComparison.Ordinal);
        InstallAssert.NothingInstalled(_root);
    }

    [Fact]
    public async Task A_package_under_the_limit_still_installs_from_a_feed()
    {
        using var feed = StaticNuGetFeed.Start(_package, _builder.Dependencies[0].NupkgPath);

        await FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0", feed.IndexUrl));

        Assert.True(File.Exists(Path.Combine(_root, "functions", "hello.function", "1.0.0", "install.json")));
    }
}
