using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Cli.Tests.Fixtures;

namespace FunctionPackage.Cli.Tests;

/// <summary><c>fnpkg run|invoke --invocation-timeout</c> and <c>run --max-concurrent-invocations</c> reach the host's command line.</summary>
public sealed class HostLauncherOptionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private HostLauncher Launcher()
    {
        var hostDll = _temp.Combine("host", HostLauncher.HostAssemblyName);
        Directory.CreateDirectory(Path.GetDirectoryName(hostDll)!);
        File.WriteAllText(hostDll, "");
        return new HostLauncher(hostDll, "/opt/dotnet");
    }

    [Fact]
    public void Serve_passes_the_timeout_and_the_concurrency_bound_and_leaves_out_what_is_unset()
    {
        var launcher = Launcher();
        var serve = launcher.CreateServe("/r/functions/f/1.0.0", "/r/packages", null, invocationTimeoutSeconds: 2.5, maxConcurrentInvocations: 3);
        Assert.Equal(new[] { "--function", "/r/functions/f/1.0.0", "--invocation-timeout", "2.5", "--max-concurrent-invocations", "3" },
            serve.ArgumentList.Skip(5));

        var defaults = launcher.CreateServe("/r/functions/f/1.0.0", "/r/packages", null);
        Assert.Equal(new[] { "--function", "/r/functions/f/1.0.0" }, defaults.ArgumentList.Skip(5));
    }

    [Fact]
    public void Invoke_passes_the_timeout_including_zero_for_no_limit()
    {
        var invoke = Launcher().CreateInvoke("/r/functions/f/1.0.0", "/r/packages", "{}", invocationTimeoutSeconds: 0);
        Assert.Equal(new[] { "--function", "/r/functions/f/1.0.0", "--data", "{}", "--invocation-timeout", "0" }, invoke.ArgumentList.Skip(5));
    }

    [Theory]
    [InlineData("run", "--invocation-timeout", "-1")]
    [InlineData("invoke", "--invocation-timeout", "-0.5")]
    [InlineData("run", "--max-concurrent-invocations", "-2")]
    [InlineData("invoke", "--max-concurrent-invocations", "4")] // invoke runs one invocation: no bound to set
    [InlineData("run", "--invocation-timeout", "soon")] // not a number: a parse error, never a crash in a validator
    [InlineData("run", "--max-concurrent-invocations", "many")]
    [InlineData("invoke", "--invocation-timeout", "1e400")]
    public async Task Bad_values_are_usage_errors_before_anything_is_installed(string verb, string option, string value)
    {
        var root = _temp.Combine("root-" + verb);
        var exitCode = await CliApplication.RunAsync(new[] { verb, _temp.Combine("missing.nupkg"), "--root", root, option, value }, new StringWriter());
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.False(Directory.Exists(root));
    }
}
