using System.Text.Json;
using FunctionPackage.Host.Invocation;
using FunctionPackage.Host.Protocols;
using FunctionPackage.Host.Protocols.LambdaRuntimeApi;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests.Protocols;

/// <summary>
/// <c>serve --protocol aws-lambda</c>: the real host process against <see cref="FakeLambdaRuntimeApi"/> — events in through
/// <c>next</c>, results and errors out, a load failure to <c>init/error</c>, the deadline honoured.
/// </summary>
public sealed class LambdaRuntimeApiTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TestRoot _root = new("host-lambda");

    public void Dispose() => _root.Dispose();

    private async Task<InstalledLayout> InstallAsync(string type, string method)
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter");
        return InstalledLayout.Create(publish, _root.Combine(method), $"Test.Greeter.{method}", "1.0.0", "Greeter", type, method);
    }

    /// <summary>The host on <paramref name="api"/>, chosen by AWS_LAMBDA_RUNTIME_API alone unless <paramref name="options"/> say otherwise.</summary>
    private static HostProcess Start(InstalledLayout layout, FakeLambdaRuntimeApi api, params string[] options)
        => HostProcess.StartClient(layout, layout.FunctionDirectory, new() { [LambdaRuntimeClient.RuntimeApiVariable] = api.Address }, options);

    private static async Task<LambdaPost> Answered(Task<LambdaPost> posted, HostProcess host)
    {
        var first = await Task.WhenAny(posted, Task.Delay(Wait));
        Assert.True(first == posted, $"the host posted nothing within {Wait.TotalSeconds} s\n{host.Output}");
        return await posted;
    }

    private static async Task<bool> OutputContainsAsync(HostProcess host, string line)
    {
        for (var waited = TimeSpan.Zero; waited < Wait; waited += TimeSpan.FromMilliseconds(100))
        {
            if (host.Output.Contains(line, StringComparison.Ordinal)) return true;
            await Task.Delay(100);
        }
        return false;
    }

    private static JsonElement Json(LambdaPost post) => JsonDocument.Parse(post.Body).RootElement;

    [Fact]
    public async Task Events_are_answered_with_the_result_json_one_after_another_without_protocol_option()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api);

        var first = await Answered(api.InvokeAsync("""{"name":"Ada"}"""), host);
        var second = await Answered(api.InvokeAsync("""{"name":"Bob","times":2}"""), host);

        Assert.True(first.Kind == "response", $"{first}\n{host.Output}");
        Assert.Equal("Hello, Ada!", Json(first).GetProperty("message").GetString());
        Assert.Equal("response", second.Kind);
        Assert.Equal("Hello, Bob! Hello, Bob!", Json(second).GetProperty("message").GetString());
        Assert.Null(second.ErrorType);
    }

    [Fact]
    public async Task The_trace_id_reaches_the_function_as_X_AMZN_TRACE_ID_for_its_invocation_only()
    {
        var layout = await InstallAsync("TestFunctions.EnvironmentReader", "Read");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api, "--protocol", HostProtocols.AwsLambda);
        const string trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

        var traced = await Answered(api.InvokeAsync(LambdaRuntimeClient.TraceIdVariable, traceId: trace), host);
        var untraced = await Answered(api.InvokeAsync(LambdaRuntimeClient.TraceIdVariable), host);

        Assert.True(traced.Kind == "response", $"{traced}\n{host.Output}");
        Assert.Equal(trace, Json(traced).GetString());
        Assert.Equal("(unset)", Json(untraced).GetString());
    }

    [Fact]
    public async Task A_function_returning_nothing_is_answered_with_an_empty_response_and_SIGTERM_ends_the_loop_with_exit_0()
    {
        var layout = await InstallAsync("TestFunctions.Sinks", "Accept");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api);

        var accepted = await Answered(api.InvokeAsync("""{"name":"Ada"}"""), host);
        Assert.True(accepted.Kind == "response", $"{accepted}\n{host.Output}");
        Assert.Equal("", accepted.Body);

        host.Terminate(); // waiting in next: the loop ends
        Assert.True(await host.WaitForExitAsync(Wait), host.Output);
        Assert.True(host.ExitCode == ExitCodes.Success, $"exit {host.ExitCode}\n{host.Output}");
    }

    [Fact]
    public async Task A_throwing_handler_is_posted_as_an_error_with_its_type_message_and_stack()
    {
        var layout = await InstallAsync("TestFunctions.Thrower", "Fail");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api);

        var failed = await Answered(api.InvokeAsync("""{"name":"Ada"}"""), host);

        Assert.True(failed.Kind == "error", $"{failed}\n{host.Output}");
        Assert.Equal(LambdaOutcomes.UnhandledErrorType, failed.ErrorType);
        var error = Json(failed);
        Assert.Equal("System.InvalidOperationException", error.GetProperty("errorType").GetString());
        Assert.Equal("Cannot greet Ada.", error.GetProperty("errorMessage").GetString());
        Assert.Contains(error.GetProperty("stackTrace").EnumerateArray(), line => line.GetString()!.Contains("TestFunctions.Thrower.Fail"));
    }

    [Fact]
    public async Task Data_the_input_cannot_take_is_an_FPKG4050_error_and_the_next_event_is_still_served()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api);

        var refused = await Answered(api.InvokeAsync("not json"), host);
        var served = await Answered(api.InvokeAsync("""{"name":"Ada"}"""), host);

        Assert.True(refused.Kind == "error", $"{refused}\n{host.Output}");
        Assert.Equal($"Runtime.{HostErrorCodes.InvalidEventData}", refused.ErrorType);
        Assert.Equal(HostErrorCodes.InvalidEventData, Json(refused).GetProperty("errorType").GetString());
        Assert.Contains(LambdaRuntimeClient.DataFix, Json(refused).GetProperty("errorMessage").GetString());
        Assert.Equal("response", served.Kind);
    }

    [Fact]
    public async Task The_deadline_cancels_the_invocation_as_FPKG4153_and_the_next_event_is_still_served()
    {
        var layout = await InstallAsync("TestFunctions.Slow", "Wait");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api); // --invocation-timeout 30 s (default): the 1.5 s deadline is shorter

        var started = DateTime.UtcNow;
        var late = await Answered(api.InvokeAsync("""{"name":"Ada","times":60}""", deadlineIn: TimeSpan.FromSeconds(1.5)), host);
        var took = DateTime.UtcNow - started;
        var quick = await Answered(api.InvokeAsync("""{"name":"Bob","times":0}"""), host);

        Assert.True(late.Kind == "error", $"{late}\n{host.Output}");
        Assert.Equal(HostErrorCodes.LambdaDeadlineExceeded, Json(late).GetProperty("errorType").GetString());
        Assert.Equal($"Runtime.{HostErrorCodes.LambdaDeadlineExceeded}", late.ErrorType);
        Assert.True(took < TimeSpan.FromSeconds(10), $"answered after {took.TotalSeconds:0.0} s\n{host.Output}");
        // The function's token was cancelled: it says so on stderr, possibly after the error was posted (the pipeline answers at the limit).
        Assert.True(await OutputContainsAsync(host, "slow: cancelled waiting for Ada"), host.Output);
        Assert.Equal("response", quick.Kind);
        Assert.Equal("waited 0s", Json(quick).GetString());
    }

    [Fact]
    public async Task An_invocation_timeout_shorter_than_the_deadline_is_FPKG4014()
    {
        var layout = await InstallAsync("TestFunctions.Slow", "Wait");
        await using var api = new FakeLambdaRuntimeApi();
        await using var host = Start(layout, api, "--invocation-timeout", "1");

        var late = await Answered(api.InvokeAsync("""{"name":"Ada","times":60}""", deadlineIn: TimeSpan.FromSeconds(30)), host);

        Assert.True(late.Kind == "error", $"{late}\n{host.Output}");
        Assert.Equal(HostErrorCodes.InvocationTimedOut, Json(late).GetProperty("errorType").GetString());
        Assert.Contains("--invocation-timeout", Json(late).GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task A_function_that_cannot_load_is_posted_to_init_error_and_the_host_exits_3()
    {
        await using var api = new FakeLambdaRuntimeApi();
        var missing = _root.Combine("functions", "absent", "1.0.0");
        await using var host = HostProcess.StartClient(null, missing, new() { [LambdaRuntimeClient.RuntimeApiVariable] = api.Address });

        var initError = await Answered(api.InitError, host);
        Assert.True(await host.WaitForExitAsync(Wait), host.Output);

        Assert.Equal(HostErrorCodes.FunctionNotInstalled, Json(initError).GetProperty("errorType").GetString());
        Assert.Equal($"Runtime.{HostErrorCodes.FunctionNotInstalled}", initError.ErrorType);
        Assert.StartsWith($"{HostErrorCodes.FunctionNotInstalled}: ", Json(initError).GetProperty("errorMessage").GetString());
        Assert.True(host.ExitCode == ExitCodes.LoadFailed, host.Output);
        Assert.Equal(0, api.NextCalls); // never asked for an event
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-host-and-port")]
    [InlineData("http://127.0.0.1:9001/path")]
    public async Task Aws_lambda_without_a_runtime_api_address_is_FPKG4151(string? address)
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        var environment = address is null ? new Dictionary<string, string>() : new() { [LambdaRuntimeClient.RuntimeApiVariable] = address };

        var (exit, _, stderr) = await HostProcess.RunWithEnvironmentAsync(layout, environment, "",
            "serve", "--function", layout.FunctionDirectory, "--protocol", HostProtocols.AwsLambda);

        Assert.True(exit == ExitCodes.LoadFailed, $"exit {exit}\n{stderr}");
        Assert.Contains($"{HostErrorCodes.LambdaRuntimeApiNotSet}: AWS_LAMBDA_RUNTIME_API is '{address ?? "(unset)"}'", stderr);
    }

    [Fact]
    public async Task A_runtime_api_nobody_listens_on_is_FPKG4152_and_exit_3()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        string address;
        await using (var gone = new FakeLambdaRuntimeApi()) address = gone.Address; // a port that was free, now closed

        var (exit, _, stderr) = await HostProcess.RunWithEnvironmentAsync(layout, new() { [LambdaRuntimeClient.RuntimeApiVariable] = address }, "",
            "serve", "--function", layout.FunctionDirectory);

        Assert.True(exit == ExitCodes.LoadFailed, $"exit {exit}\n{stderr}");
        Assert.Contains($"{HostErrorCodes.LambdaRuntimeApiFailed}: the Lambda Runtime API at {address} failed", stderr);
    }

    [Fact]
    public async Task An_unknown_protocol_is_FPKG4150_naming_the_protocols()
    {
        var (exit, _, stderr) = await HostProcess.RunAsync(null, "serve", "--function", _root.Path, "--protocol", "soap");

        Assert.True(exit == ExitCodes.Usage, $"exit {exit}\n{stderr}");
        Assert.Contains($"{HostErrorCodes.UnknownProtocol}: --protocol 'soap' is not a protocol this host speaks. Pass one of: {string.Join(", ", HostProtocols.All)}.", stderr);
    }

    [Theory]
    [InlineData(null, null, HostProtocols.CloudEventsHttp)]
    [InlineData(null, "127.0.0.1:9001", HostProtocols.AwsLambda)]
    [InlineData(HostProtocols.CloudEventsHttp, "127.0.0.1:9001", HostProtocols.CloudEventsHttp)]
    [InlineData(HostProtocols.AwsLambda, null, HostProtocols.AwsLambda)]
    public void The_protocol_is_the_option_else_aws_lambda_where_AWS_LAMBDA_RUNTIME_API_is_set(string? given, string? runtimeApi, string expected)
        => Assert.Equal(expected, HostProtocols.Resolve(given, name => name == LambdaRuntimeClient.RuntimeApiVariable ? runtimeApi : null));

    [Fact]
    public void The_limit_is_the_time_to_the_deadline_unless_the_host_timeout_is_shorter()
    {
        var inTenSeconds = DateTimeOffset.UtcNow.AddSeconds(10).ToUnixTimeMilliseconds().ToString();
        var (limit, deadlineFirst) = LambdaRuntimeClient.Limit(inTenSeconds, TimeSpan.FromSeconds(30));
        Assert.True(deadlineFirst);
        Assert.InRange(limit.TotalSeconds, 8, 10);

        Assert.Equal((TimeSpan.FromSeconds(1), false), LambdaRuntimeClient.Limit(inTenSeconds, TimeSpan.FromSeconds(1)));
        Assert.Equal((TimeSpan.FromSeconds(30), false), LambdaRuntimeClient.Limit(null, TimeSpan.FromSeconds(30)));
        Assert.Equal((TimeSpan.FromMilliseconds(1), true), LambdaRuntimeClient.Limit("1000", TimeSpan.Zero)); // long past
        var (unbounded, first) = LambdaRuntimeClient.Limit(inTenSeconds, TimeSpan.Zero); // --invocation-timeout 0: the deadline alone
        Assert.True(first && unbounded > TimeSpan.FromSeconds(8));
    }
}
