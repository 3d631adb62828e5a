using System.Runtime.InteropServices;
using FunctionPackage.EndToEnd.Tests.Support;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Where <c>fnpkg run</c> runs the host (docs/cli.md, "In fnpkg's process or a child process"): inside fnpkg by default
/// (no child process, one runtime start), as a child process with <c>--isolated</c> or <c>--env</c>. Every way answers
/// the same and stops with exit code 0 on SIGTERM. An installed function's plain <c>run &lt;id&gt;@&lt;version&gt; --root
/// --urls</c> starts the host without building the command line (<c>Commands/InstalledShortcut.cs</c>).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RunProcessModelLifecycleTests
{
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;

    public RunProcessModelLifecycleTests(EndToEndEnvironment env)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
    }

    [Theory]
    [InlineData("in-process")]
    [InlineData("installed")]
    [InlineData("--isolated")]
    [InlineData("--env")]
    public async Task Run_serves_hello_in_fnpkgs_process_unless_a_process_of_its_own_is_asked_for(string mode)
    {
        var hello = _samples.Hello;
        var root = _env.NewFolder("process-model-" + mode.TrimStart('-'));
        var options = mode switch
        {
            "--isolated" => new[] { "--isolated" },
            "--env" => new[] { "--env", "GREETING_TEST=1" },
            _ => Array.Empty<string>(),
        };
        var sources = new[] { _samples.FunctionFeed, _samples.DependencyFeed };
        if (mode == "installed")
        {
            var install = Fnpkg.Run(_env.Root.Path, new[] { "install", hello.IdAtVersion, "--root", root }.Concat(sources.SelectMany(s => new[] { "--source", s })));
            Assert.True(install.ExitCode == 0, install.Log);
            sources = Array.Empty<string>(); // run <id>@<version> --root --urls: the shortcut's shape
        }
        using var server = await ServedFunction.StartAsync(_env.Root.Path, hello.IdAtVersion, root, sources, options);

        // On linux-x64 the tool's ReadyToRun host runs (host-linux-x64/), elsewhere the IL host (host/).
        var hostFolder = RuntimeInformation.RuntimeIdentifier == "linux-x64" ? "/host-linux-x64/" : "/host/";
        var children = server.ChildProcesses();
        // Only the shortcut runs without System.CommandLine: every other way builds the command line first.
        var commandLine = server.MappedFiles().Any(f => f.EndsWith("/System.CommandLine.dll", StringComparison.Ordinal));
        Assert.True(commandLine == (mode != "installed"), $"System.CommandLine.dll mapped: {commandLine}\n{server.Log}");
        if (mode is "in-process" or "installed")
        {
            Assert.True(children.Count == 0, $"fnpkg run started {string.Join(" | ", children)}\n{server.Log}");
            var hosts = server.MappedFiles().Where(f => f.EndsWith("/FunctionPackage.Host.dll", StringComparison.Ordinal)).ToList();
            Assert.True(hosts.Count == 1 && hosts[0].Contains(hostFolder, StringComparison.Ordinal), $"fnpkg mapped the host from {string.Join(" | ", hosts)}, not {hostFolder}\n{server.Log}");
        }
        else
        {
            var host = Assert.Single(children);
            Assert.Contains("--additionalprobingpath", host);
            Assert.Contains($"{hostFolder}FunctionPackage.Host.dll serve --function", host);
        }
        var reply = await server.PostBinaryAsync("com.example.greet", "/tests/process-model", """{"name":"Ada"}""");
        Assert.Equal("com.example.greet.response", reply.Type);
        Assert.Equal("Hello, Ada!", reply.Data.GetProperty("message").GetString());
        await server.StopAsync();
    }
}
