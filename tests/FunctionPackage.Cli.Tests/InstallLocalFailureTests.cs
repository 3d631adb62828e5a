using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Testing;
using Xunit.Abstractions;

namespace FunctionPackage.Cli.Tests;

/// <summary>A full disk, a read-only root, a root that cannot be a folder: exit 7 with a code naming the fix, never 70 or "source unreachable".</summary>
public sealed class InstallLocalFailureTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _log;
    private readonly string _feed;

    public InstallLocalFailureTests(ITestOutputHelper log)
    {
        _log = log;
        _feed = _temp.Folder("feed");
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A function with a 1 MiB incompressible data file: more than the small disks below hold.</summary>
    private FunctionPackageBuilder BigFunction()
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0"));
        var big = new byte[1024 * 1024];
        new Random(11).NextBytes(big);
        builder.FunctionFiles["data/big.bin"] = big;
        return builder;
    }

    private StaticNuGetFeed FeedWithBigFunction()
    {
        var builder = BigFunction();
        return StaticNuGetFeed.Start(builder.Build(_temp.Folder("out")), builder.Dependencies[0].NupkgPath);
    }

    private InstallRequest Request(string package, string root, params string[] sources) => new()
    {
        Package = package,
        Root = root,
        Sources = sources,
        WorkingDirectory = _temp.Path,
    };

    private Task<FunctionPackageException> AssertInstallFails(InstallRequest request, string code)
        => InstallAssert.Fails(FunctionInstaller.CreateDefault().InstallAsync(request), code, ExitCodes.LocalFailure, _log.WriteLine);

    [MountFact]
    public async Task Disk_full_while_extracting_is_FPKG5116_exit_7_and_leaves_nothing()
    {
        var package = BigFunction().Build(_temp.Folder("out"));
        using var disk = TmpfsMount.Create(_temp.Combine("disk"), "size=256k");
        var root = Path.Combine(disk.Path, "root");

        var ex = await AssertInstallFails(Request(package, root, _feed), DiagnosticCodes.DiskFull);

        Assert.Contains(root, ex.Message, StringComparison.Ordinal);
        InstallAssert.NothingInstalled(root);
        var exitCode = await CliApplication.RunAsync(new[] { "install", package, "--root", root, "--source", _feed }, new StringWriter());
        Assert.Equal(ExitCodes.LocalFailure, exitCode);
        InstallAssert.NothingInstalled(root);
    }

    [MountFact]
    public async Task Disk_full_while_downloading_is_FPKG5116_not_an_unreachable_source()
    {
        using var feed = FeedWithBigFunction();
        using var disk = TmpfsMount.Create(_temp.Combine("disk"), "size=256k");
        var root = Path.Combine(disk.Path, "root");

        await AssertInstallFails(Request("Hello.Function@1.0.0", root, feed.IndexUrl), DiagnosticCodes.DiskFull);

        InstallAssert.NothingInstalled(root);
    }

    [MountFact]
    public async Task Read_only_root_is_FPKG5117_exit_7_but_serves_what_is_already_installed()
    {
        var package = new FunctionPackageBuilder { Dependencies = { DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0") } }.Build(_temp.Folder("out"));
        using var disk = TmpfsMount.Create(_temp.Combine("disk"), "size=4m");
        var root = disk.Path;
        var installed = await FunctionInstaller.CreateDefault().InstallAsync(Request(package, root, _feed));
        disk.Remount("ro");

        // Already installed: a no-op that writes nothing, so a read-only root is fine.
        var again = await FunctionInstaller.CreateDefault().InstallAsync(Request(package, root, _feed));
        Assert.True(again.AlreadyInstalled);
        Assert.Equal(installed.FunctionDirectory, again.FunctionDirectory);

        // Anything new is refused with the read-only code.
        var other = new FunctionPackageBuilder { Version = "2.0.0", Dependencies = { DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0") } }.Build(_temp.Folder("out2"));
        var ex = await AssertInstallFails(Request(other, root, _feed), DiagnosticCodes.RootNotWritable);
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "functions", "hello.function", "2.0.0")));
    }

    [MountFact]
    public async Task Id_at_version_into_an_empty_read_only_root_is_FPKG5117()
    {
        using var feed = FeedWithBigFunction();
        using var disk = TmpfsMount.Create(_temp.Combine("disk"), "ro");

        await AssertInstallFails(Request("Hello.Function@1.0.0", disk.Path, feed.IndexUrl), DiagnosticCodes.RootNotWritable);
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Path));
        Assert.Empty(feed.Requests); // refused before any download
    }

    [Theory]
    [InlineData("file.txt")]        // the root is a file
    [InlineData("file.txt/root")]   // the root's parent is a file
    public async Task Root_that_cannot_be_a_folder_is_FPKG5118_exit_7(string rootUnderTemp)
    {
        File.WriteAllText(_temp.Combine("file.txt"), "not a folder");
        var package = new FunctionPackageBuilder { Dependencies = { DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0") } }.Build(_temp.Folder("out"));
        var root = _temp.Combine(rootUnderTemp);

        var ex = await AssertInstallFails(Request(package, root, _feed), DiagnosticCodes.RootIoFailure);

        Assert.Contains(root, ex.Message, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(_temp.Combine("file.txt")));
    }
}
