using System.Net;
using System.Net.Sockets;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// <c>serve</c> startup through the real host process: bad <c>--urls</c> and a port in use are one coded line each
/// (no stack trace) with a documented exit code; logs go to stderr so stdout is the function's own output.
/// </summary>
public sealed class ServeStartupTests : IDisposable
{
    private readonly TestRoot _root = new("host-startup");

    public void Dispose() => _root.Dispose();

    private async Task<InstalledLayout> InstallAsync(string type, string method)
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter");
        return InstalledLayout.Create(publish, Path.Combine(_root.Path, method), $"Test.{method}", "1.0.0", "Greeter", type, method);
    }

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception:", output);
    }

    [Theory]
    [InlineData("notaurl")]
    [InlineData("ftp://127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:8080;http://127.0.0.1:notaport")]
    [InlineData("http://127.0.0.1:99999")]
    public async Task Urls_that_are_not_http_addresses_are_a_coded_usage_error(string urls)
    {
        // Checked before the function loads: the folder need not even exist.
        var (exit, stdout, stderr) = await HostProcess.RunAsync(null, "serve", "--function", _root.Combine("nothing"), "--urls", urls);
        Assert.True(exit == ExitCodes.Usage, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains(HostErrorCodes.InvalidUrls + ":", stderr);
        Assert.Contains("--urls", stderr);
        Assert.Contains("http://127.0.0.1:8080", stderr); // names a valid form
        AssertNoStackTrace(stdout + stderr);
    }

    [Theory]
    [InlineData("serve", "--invocation-timeout", "-1", "--invocation-timeout -1 is out of range")]
    [InlineData("serve", "--invocation-timeout", "1e9", "--invocation-timeout 1000000000 is out of range")] // beyond a timer's limit: every call would throw
    [InlineData("invoke", "--invocation-timeout", "1e300", "--invocation-timeout 1E+300 is out of range")]
    [InlineData("serve", "--max-concurrent-invocations", "-2", "--max-concurrent-invocations -2 is negative")]
    [InlineData("serve", "--max-request-body-bytes", "0", "--max-request-body-bytes 0 is not positive")]
    [InlineData("serve", "--drain-timeout", "-1", "--drain-timeout -1 is out of range")]
    public async Task A_numeric_option_out_of_range_is_FPKG4102_a_usage_error_naming_a_valid_value(string verb, string option, string value, string problem)
    {
        var (exit, stdout, stderr) = await HostProcess.RunAsync(null, verb, "--function", _root.Combine("nothing"), option, value);
        Assert.True(exit == ExitCodes.Usage, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"{HostErrorCodes.OptionOutOfRange}: {problem}. Pass ", stderr);
        Assert.Contains("e.g. ", stderr);
        AssertNoStackTrace(stdout + stderr);
    }

    [Fact]
    public async Task A_port_already_in_use_is_one_coded_line_and_exit_3()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exit, stdout, stderr) = await HostProcess.RunAsync(layout, "serve", "--function", layout.FunctionDirectory, "--urls", url);

        var output = $"exit {exit}\n[stdout]\n{stdout}\n[stderr]\n{stderr}";
        Assert.True(exit == ExitCodes.LoadFailed, output);
        var coded = stderr.Split('\n').Where(l => l.Contains(HostErrorCodes.CannotListen)).ToList();
        Assert.True(coded.Count == 1, output);
        Assert.Contains($"{HostErrorCodes.CannotListen}: cannot listen on {url}: address already in use; pass another --urls", coded[0]);
        AssertNoStackTrace(stdout + stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task An_address_not_on_this_machine_is_FPKG4052_too()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        const string url = "http://192.0.2.1:18473"; // TEST-NET-1 (RFC 5737): assigned to no host
        var (exit, stdout, stderr) = await HostProcess.RunAsync(layout, "serve", "--function", layout.FunctionDirectory, "--urls", url);
        var output = $"exit {exit}\n[stdout]\n{stdout}\n[stderr]\n{stderr}";
        Assert.True(exit == ExitCodes.LoadFailed, output);
        Assert.Contains($"{HostErrorCodes.CannotListen}: cannot listen on {url}: cannot assign requested address; pass another --urls", stderr);
        AssertNoStackTrace(stdout + stderr);
    }

    [Fact]
    public async Task Serve_logs_go_to_stderr_and_stdout_carries_only_the_functions_console_output()
    {
        var layout = await InstallAsync("TestFunctions.Chatty", "Say");
        await using var host = await HostProcess.StartServeAsync(layout);
        using (var response = await host.Client.SendAsync(Plain("""{"name":"stdout"}""")))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, host.Output);
        }
        await ServeThrowerTests.Eventually(() => host.Output.Contains("chatty: greeting stdout"));

        var lines = host.Output.Split('\n');
        Assert.Contains("[out] chatty: greeting stdout", lines);
        Assert.Contains(lines, l => l.StartsWith("[err] ", StringComparison.Ordinal) && l.Contains("Now listening on:"));
        Assert.Contains(lines, l => l.StartsWith("[err] ", StringComparison.Ordinal) && l.Contains("Loaded function Test.Say"));
        Assert.True(lines.Where(l => l.StartsWith("[out] ", StringComparison.Ordinal)).All(l => l == "[out] chatty: greeting stdout"), host.Output);
    }
}
