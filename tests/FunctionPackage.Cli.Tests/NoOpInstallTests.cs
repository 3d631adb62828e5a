using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// The no-op shortcut (<see cref="NoOpInstall"/>) against the full command line on the same install root: the same
/// stdout, stderr and exit code, taken only for a complete install. Captures stderr, so never beside other tests.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class NoOpInstallTests : InstallTestBase
{
    private string[] Shortcut => new[] { "install", "Hello.Function@1.0.0", "--root", Root };

    [Fact]
    public async Task The_shortcut_answers_a_complete_install_exactly_as_the_full_command_line_does()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        Assert.Null(NoOpInstall.TryRun(Shortcut, new StringWriter())); // nothing installed yet: the full path's work
        Assert.False(Directory.Exists(Root));
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));

        var shortcut = await CliCapture.RunAsync(Shortcut);
        // -v normal is the default verbosity, but a fifth argument sends the same request through System.CommandLine.
        var full = await CliCapture.RunAsync(Shortcut.Concat(new[] { "-v", "normal" }).ToArray());
        Assert.Equal(ExitCodes.Success, shortcut.ExitCode);
        Assert.Equal(Path.Combine(Root, "functions", "hello.function", "1.0.0") + "\n", shortcut.Output);
        Assert.Equal(full, shortcut);
        Assert.Contains("Hello.Function 1.0.0 is already installed in", shortcut.Errors);
        Assert.Equal(ExitCodes.Success, NoOpInstall.TryRun(new[] { "install", "--root", Root, "Hello.Function@1.0.0" }, new StringWriter()));
    }

    [Fact]
    public async Task A_missing_dependency_or_any_other_argument_takes_the_full_path()
    {
        var builder = Function();
        var package = builder.Build(Feed); // a repair of id@version downloads the function package again
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));
        Assert.Null(NoOpInstall.TryRun(new[] { "install", "Hello.Function@1.0.0", "--root", "@" + Root }, new StringWriter()));
        Assert.Null(NoOpInstall.TryRun(new[] { "install", "Hello.Function@1.0.0", "--source", Root }, new StringWriter()));
        Assert.Null(NoOpInstall.TryRun(new[] { "install", "not an id", "--root", Root }, new StringWriter())); // the full path reports it

        File.Delete(Path.Combine(Root, "packages", "dep.a", "1.0.0", ".nupkg.metadata"));
        Assert.Null(NoOpInstall.TryRun(Shortcut, new StringWriter())); // a repair
        var repaired = await CliCapture.RunAsync(Shortcut.Concat(new[] { "--source", Feed }).ToArray());
        Assert.True(repaired.ExitCode == ExitCodes.Success, repaired.Errors);
        Assert.Equal(ExitCodes.Success, NoOpInstall.TryRun(Shortcut, new StringWriter()));
    }
}
