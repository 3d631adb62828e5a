using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// The shortcut for an installed function (<see cref="InstalledShortcut"/>) against the full command line on the same install root: the same
/// stdout, stderr and exit code, taken only for a complete install. Captures stderr, so never beside other tests.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class InstalledShortcutTests : InstallTestBase
{
    private string[] Shortcut => new[] { "install", "Hello.Function@1.0.0", "--root", Root };

    [Fact]
    public async Task The_shortcut_answers_a_complete_install_exactly_as_the_full_command_line_does()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        Assert.Null(await InstalledShortcut.TryRunAsync(Shortcut, new StringWriter(), ownsProcess: true)); // nothing installed yet: the full path's work
        Assert.False(Directory.Exists(Root));
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));

        var shortcut = await CliCapture.RunAsync(Shortcut);
        // -v normal is the default verbosity, but a fifth argument sends the same request through System.CommandLine.
        var full = await CliCapture.RunAsync(Shortcut.Concat(new[] { "-v", "normal" }).ToArray());
        Assert.Equal(ExitCodes.Success, shortcut.ExitCode);
        Assert.Equal(Path.Combine(Root, "functions", "hello.function", "1.0.0") + "\n", shortcut.Output);
        Assert.Equal(full, shortcut);
        Assert.Contains("Hello.Function 1.0.0 is already installed in", shortcut.Errors);
        Assert.Equal(ExitCodes.Success, await InstalledShortcut.TryRunAsync(new[] { "install", "--root", Root, "Hello.Function@1.0.0" }, new StringWriter(), ownsProcess: true));
    }

    [Fact]
    public async Task A_missing_dependency_or_any_other_argument_takes_the_full_path()
    {
        var builder = Function();
        var package = builder.Build(Feed); // a repair of id@version downloads the function package again
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));
        Assert.Null(await InstalledShortcut.TryRunAsync(new[] { "install", "Hello.Function@1.0.0", "--root", "@" + Root }, new StringWriter(), ownsProcess: true));
        Assert.Null(await InstalledShortcut.TryRunAsync(new[] { "install", "Hello.Function@1.0.0", "--source", Root }, new StringWriter(), ownsProcess: true));
        Assert.Null(await InstalledShortcut.TryRunAsync(new[] { "install", "not an id", "--root", Root }, new StringWriter(), ownsProcess: true)); // the full path reports it

        File.Delete(Path.Combine(Root, "packages", "dep.a", "1.0.0", ".nupkg.metadata"));
        Assert.Null(await InstalledShortcut.TryRunAsync(Shortcut, new StringWriter(), ownsProcess: true)); // a repair
        var repaired = await CliCapture.RunAsync(Shortcut.Concat(new[] { "--source", Feed }).ToArray());
        Assert.True(repaired.ExitCode == ExitCodes.Success, repaired.Errors);
        Assert.Equal(ExitCodes.Success, await InstalledShortcut.TryRunAsync(Shortcut, new StringWriter(), ownsProcess: true));
    }

    [Theory]
    [InlineData("install|Hello@1.0.0|--root|r", "install Hello@1.0.0 r -")]
    [InlineData("install|--root|r|Hello@1.0.0", "install Hello@1.0.0 r -")]
    [InlineData("run|Hello@1.0.0|--root|r", "run Hello@1.0.0 r -")]
    [InlineData("run|--urls|http://127.0.0.1:5000|Hello@1.0.0|--root|r", "run Hello@1.0.0 r http://127.0.0.1:5000")]
    [InlineData("install|Hello@1.0.0|--root|r|--urls|http://127.0.0.1:5000", null)] // install has no --urls
    [InlineData("run|Hello@1.0.0|--root|r|--root|s", null)] // twice: the command line reports it
    [InlineData("run|Hello@1.0.0|--root|r|--isolated", null)]
    [InlineData("run|Hello@1.0.0|--root|r|--env|A=1", null)]
    [InlineData("run|Hello@1.0.0|--root|r|-v|normal", null)]
    [InlineData("run|Hello@1.0.0|--root", null)]
    [InlineData("run|Hello@1.0.0|--root|--urls", null)]
    [InlineData("run|Hello@1.0.0|Other@1.0.0|--root|r", null)]
    [InlineData("run|--root|r", null)]
    [InlineData("run|@args.rsp", null)]
    [InlineData("invoke|Hello@1.0.0|--root|r", null)]
    public void Only_the_plain_shapes_are_taken(string commandLine, string? expected)
    {
        var shape = InstalledShortcut.Parse(commandLine.Split('|'));
        Assert.Equal(expected, shape is null ? null : $"{shape.Verb} {shape.Package} {shape.Root} {shape.Urls ?? "-"}");
    }

    [Fact]
    public async Task Run_takes_the_shortcut_only_in_fnpkgs_own_process()
    {
        var package = Function().Build(Temp.Folder("out"));
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));
        // Not fnpkg's process (a test's): the host would run as a child process, which is the full path's to start.
        Assert.Null(await InstalledShortcut.TryRunAsync(new[] { "run", "Hello.Function@1.0.0", "--root", Root }, new StringWriter(), ownsProcess: false));
    }
}
