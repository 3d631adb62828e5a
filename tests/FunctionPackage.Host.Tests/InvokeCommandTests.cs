using System.Text.Json;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary><c>invoke</c>: one event, only the result JSON on stdout, logs on stderr, documented exit codes.</summary>
public sealed class InvokeCommandTests : IDisposable
{
    private readonly TestRoot _root = new("host-invoke");

    public void Dispose() => _root.Dispose();

    private async Task<InstalledLayout> InstallAsync(string project, string type, string method)
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync(project);
        return InstalledLayout.Create(publish, Path.Combine(_root.Path, $"{type}.{method}"), $"Test.{method}", "2.0.0-beta.1", project, type, method);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(InstalledLayout layout, params string[] options)
        => await HostProcess.RunAsync(layout, new[] { "invoke", "--function", layout.FunctionDirectory }.Concat(options).ToArray());

    [Fact]
    public async Task Prints_only_the_result_json_and_exits_0()
    {
        var layout = await InstallAsync("Greeter", "TestFunctions.Greeter", "GreetAsync");
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """{"name":"Ada"}""");
        Assert.True(exit == ExitCodes.Success, stderr);
        Assert.Equal("{\"message\":\"Hello, Ada!\",\"length\":11}\n", stdout);
        Assert.Contains("Loaded function Test.GreetAsync 2.0.0-beta.1", stderr);
    }

    [Fact]
    public async Task Data_can_come_from_stdin_dash_and_type_and_source_reach_the_event()
    {
        var layout = await InstallAsync("Greeter", "TestFunctions.EventEcho", "Describe");
        var (exit, stdout, stderr) = await HostProcess.RunWithInputAsync(layout, "[true]",
            "invoke", "--function", layout.FunctionDirectory, "--data", "-", "--type", "com.example.cli", "--source", "/cli/test");
        Assert.True(exit == 0, stderr);
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("com.example.cli", summary.GetProperty("type").GetString());
        Assert.Equal("/cli/test", summary.GetProperty("source").GetString());
        Assert.Equal("[true]", summary.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Package_dependencies_resolve_through_the_probing_path_in_invoke_mode_too()
    {
        var layout = await InstallAsync("Humane", "TestFunctions.Humane", "Describe");
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """{"number":7,"days":3}""");
        Assert.True(exit == 0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("seven", result.GetProperty("words").GetString());
        Assert.Equal("3 jours", result.GetProperty("french").GetString());
    }

    [Fact]
    public async Task Void_result_prints_nothing_and_exits_0()
    {
        var layout = await InstallAsync("Greeter", "TestFunctions.Sinks", "Accept");
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """{"name":"x"}""");
        Assert.True(exit == 0, stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Invocation_timeout_exits_with_the_timeout_code_and_prints_no_result()
    {
        var layout = await InstallAsync("Greeter", "TestFunctions.Slow", "Wait");
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """{"name":"n","times":10}""", "--invocation-timeout", "0.5");
        Assert.True(exit == ExitCodes.Timeout, $"{exit}\n{stderr}");
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task A_handler_blocking_before_its_first_await_times_out_too_with_FPKG4014()
    {
        var layout = await InstallAsync("Greeter", "TestFunctions.Blocker", "BlockAsync");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """{"name":"n","times":60}""", "--invocation-timeout", "0.5");
        watch.Stop();
        Assert.True(exit == ExitCodes.Timeout, $"{exit}\n{stderr}");
        Assert.Contains(HostErrorCodes.InvocationTimedOut, stderr);
        Assert.Equal("", stdout);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}: the timeout waited for the handler.\n{stderr}");
    }

    [Fact]
    public async Task Function_console_output_goes_to_stderr_not_stdout()
    {
        var layout = await InstallAsync("Greeter", "TestFunctions.Chatty", "Say");
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """{"name":"n"}""");
        Assert.True(exit == 0, $"{exit}\n{stderr}");
        Assert.Contains("chatty: greeting n", stderr);
        // stdout holds the result alone: one JSON document.
        using var result = JsonDocument.Parse(stdout);
        Assert.StartsWith("Hello", result.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("TestFunctions.Thrower", "Fail", """{"name":"x"}""", ExitCodes.FunctionFailed, "Cannot greet x.")]
    [InlineData("TestFunctions.Greeter", "Greet", """{"name":""", ExitCodes.BadInput, "not valid JSON")]
    [InlineData("TestFunctions.Greeter", "Greet", null, ExitCodes.BadInput, "no data")]
    [InlineData("TestFunctions.Missing", "Greet", "{}", ExitCodes.LoadFailed, HostErrorCodes.EntryTypeNotFound)]
    [InlineData("TestFunctions.Greeter", "Nope", "{}", ExitCodes.LoadFailed, HostErrorCodes.EntryMethodNotFound)]
    [InlineData("TestFunctions.Unsupported", "Overloaded", "{}", ExitCodes.LoadFailed, HostErrorCodes.EntryMethodNotFound)]
    [InlineData("TestFunctions.Unsupported", "TwoInputs", "{}", ExitCodes.LoadFailed, HostErrorCodes.UnsupportedSignature)]
    [InlineData("TestFunctions.Unsupported", "FireAndForget", "{}", ExitCodes.LoadFailed, HostErrorCodes.UnsupportedSignature)]
    [InlineData("TestFunctions.NoDefaultConstructor", "Next", "{}", ExitCodes.LoadFailed, HostErrorCodes.ConstructorFailed)]
    public async Task Failures_map_to_exit_codes_with_the_reason_on_stderr(string type, string method, string? data, int expectedExit, string expectedText)
    {
        var layout = await InstallAsync("Greeter", type, method);
        var (exit, stdout, stderr) = data is null ? await InvokeAsync(layout) : await InvokeAsync(layout, "--data", data);
        Assert.True(exit == expectedExit, $"exit {exit}\n{stderr}");
        Assert.Equal("", stdout);
        Assert.Contains(expectedText, stderr);
    }

    [Theory]
    [InlineData("TestFunctions.Greeter", "Greet", """{"name":""", "Pass --data with JSON for GreetRequest")]
    [InlineData("TestFunctions.Greeter", "Greet", null, "Pass --data with JSON for GreetRequest")]
    [InlineData("TestFunctions.EventEcho", "Describe", "{bad", "Pass --data with valid JSON")]
    public async Task Data_that_cannot_be_bound_is_one_coded_line_naming_the_fix(string type, string method, string? data, string fix)
    {
        var layout = await InstallAsync("Greeter", type, method);
        var (exit, stdout, stderr) = data is null ? await InvokeAsync(layout) : await InvokeAsync(layout, "--data", data);
        Assert.True(exit == ExitCodes.BadInput, $"exit {exit}\n{stderr}");
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("Loaded function")).ToList();
        Assert.True(lines.Count == 1, stderr);
        Assert.Contains(HostErrorCodes.InvalidEventData + ":", lines[0]);
        Assert.Contains(fix, lines[0]);
        Assert.DoesNotContain("for CloudEvent", lines[0]); // it is the event's data that is invalid, not the event
    }

    [Theory]
    [InlineData("--type", "", "--type '' is not a valid CloudEvents type", "Pass a non-empty type")]
    [InlineData("--source", "http://[::1", "--source 'http://[::1' is not a valid CloudEvents source", "Pass a URI reference")]
    public async Task An_invalid_type_or_source_is_FPKG4100_exit_2_before_the_function_loads(string option, string value, string problem, string fix)
    {
        // No function folder at all: the option is checked first, so its error is the only one.
        var (exit, stdout, stderr) = await HostProcess.RunAsync(null, "invoke", "--function", Path.Combine(_root.Path, "nothing"), "--data", "{}", option, value);
        Assert.True(exit == ExitCodes.BadInput, $"exit {exit}\n{stderr}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("FPKG4")));
        Assert.Contains(HostErrorCodes.InvalidEventAttribute + ": " + problem, line);
        Assert.Contains(fix, line);
        Assert.DoesNotContain(HostErrorCodes.FunctionNotInstalled, stderr);
    }

    [Fact]
    public async Task The_result_on_stdout_is_json_without_needless_escapes()
    {
        // The data is a JSON string, unwrapped for the string input: it's <ok> & "quoted"
        var layout = await InstallAsync("Greeter", "TestFunctions.Texts", "Shout");
        var (exit, stdout, stderr) = await InvokeAsync(layout, "--data", """ "it's <ok> & \"quoted\" é" """);
        Assert.True(exit == 0, stderr);
        Assert.Equal("\"IT'S <OK> & \\\"QUOTED\\\" É\"\n", stdout);
        Assert.Equal("IT'S <OK> & \"QUOTED\" É", JsonDocument.Parse(stdout).RootElement.GetString());
    }

    [Fact]
    public async Task Missing_install_folder_is_FPKG4001_exit_3()
    {
        var (exit, stdout, stderr) = await HostProcess.RunAsync(null, "invoke", "--function", Path.Combine(_root.Path, "nothing"), "--data", "{}");
        Assert.Equal(ExitCodes.LoadFailed, exit);
        Assert.Equal("", stdout);
        Assert.Contains(HostErrorCodes.FunctionNotInstalled, stderr);
    }

    [Fact]
    public async Task Help_lists_both_verbs_and_their_options()
    {
        var (exit, stdout, _) = await HostProcess.RunAsync(null, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("serve", stdout);
        Assert.Contains("invoke", stdout);
        var (serveExit, serveHelp, _) = await HostProcess.RunAsync(null, "serve", "--help");
        Assert.Equal(0, serveExit);
        foreach (var option in new[] { "--function", "--urls", "--max-request-body-bytes", "--invocation-timeout" }) Assert.Contains(option, serveHelp);
        var (invokeExit, invokeHelp, _) = await HostProcess.RunAsync(null, "invoke", "--help");
        Assert.Equal(0, invokeExit);
        foreach (var option in new[] { "--function", "--data", "--type", "--source", "--invocation-timeout" }) Assert.Contains(option, invokeHelp);
    }

    [Fact]
    public async Task Missing_required_option_is_a_usage_error()
    {
        var (exit, _, stderr) = await HostProcess.RunAsync(null, "serve");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--function", stderr);
    }
}
