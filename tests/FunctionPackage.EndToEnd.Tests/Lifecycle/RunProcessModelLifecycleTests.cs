using System.Runtime.InteropServices;
using FunctionPackage.EndToEnd.Tests.Support;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Where <c>fnpkg run</c> runs the host (docs/cli.md, "In fnpkg's process or a child process"): inside fnpkg by default
/// (no child process, one runtime start), as a child process with <c>--isolated</c> or <c>--env</c>. Every way answers
/// the same and stops with exit code 0 on SIGTERM.
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
        using var server = await ServedFunction.StartAsync(_env.Root.Path, hello.IdAtVersion, root,
            new[] { _samples.FunctionFeed, _samples.DependencyFeed }, options);

        // On linux-x64 the tool's ReadyToRun host runs (host-linux-x64/), elsewhere the IL host (host/).
        var hostFolder = RuntimeInformation.RuntimeIdentifier == "linux-x64" ? "/host-linux-x64/" : "/host/";
        var children = server.ChildProcesses();
        if (mode == "in-process")
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
