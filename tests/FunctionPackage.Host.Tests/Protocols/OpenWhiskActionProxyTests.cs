using System.Text.Json.Nodes;
using FunctionPackage.Host.Protocols;
using FunctionPackage.Host.Protocols.OpenWhiskActionProxy;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests.Protocols;

/// <summary>
/// <c>serve --protocol openwhisk</c>: the real host process driven by <see cref="OpenWhiskInvoker"/> (the invoker's side of
/// the contract) on 127.0.0.1 — <c>/init</c> once, <c>/run</c> with the activation context, results and every 502, the
/// sentinel lines that end each activation's stdout and stderr. The exported image is tested as exported in
/// FunctionPackage.Exporting.Tests (OpenWhiskExportTests).
/// </summary>
public sealed class OpenWhiskActionProxyTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TestRoot _root = new("host-openwhisk");

    public void Dispose() => _root.Dispose();

    private async Task<InstalledLayout> InstallAsync(string type, string method)
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter");
        return InstalledLayout.Create(publish, _root.Combine(method), $"Test.Greeter.{method}", "1.0.0", "Greeter", type, method);
    }

    private static Task<HostProcess> StartAsync(InstalledLayout layout, params string[] options)
        => HostProcess.StartServeAsync(layout, ["--protocol", HostProtocols.OpenWhisk, .. options]);

    private static OpenWhiskInvoker Invoker(HostProcess host) => new(host.BaseAddress);

    private static async Task<OpenWhiskInvoker> InitializedAsync(HostProcess host, JsonObject? env = null)
    {
        var invoker = Invoker(host);
        var init = await invoker.InitAsync(Wait, env);
        Assert.True(init.Status == 200, $"{init}\n{host.Output}");
        return invoker;
    }

    private static JsonObject Greet(string name, int times = 1) => new() { ["name"] = name, ["times"] = times };

    /// <summary>The lines of one stream (<c>out</c> or <c>err</c>) the host printed.</summary>
    private static List<string> Stream(HostProcess host, string stream)
        => host.Output.Split('\n').Where(l => l.StartsWith($"[{stream}] ", StringComparison.Ordinal)).Select(l => l[(stream.Length + 3)..]).ToList();

    /// <summary>Waits until both streams hold <paramref name="count"/> sentinels (the output is read asynchronously).</summary>
    private static async Task SentinelsAsync(HostProcess host, int count)
    {
        for (var waited = TimeSpan.Zero; waited < Wait; waited += TimeSpan.FromMilliseconds(50))
        {
            if (OpenWhiskInvoker.Sentinels(Stream(host, "out")) >= count && OpenWhiskInvoker.Sentinels(Stream(host, "err")) >= count) break;
            await Task.Delay(50);
        }
        Assert.True(OpenWhiskInvoker.Sentinels(Stream(host, "out")) == count, $"stdout: {count} sentinels expected\n{host.Output}");
        Assert.True(OpenWhiskInvoker.Sentinels(Stream(host, "err")) == count, $"stderr: {count} sentinels expected\n{host.Output}");
    }

    [Fact]
    public async Task Init_then_runs_answer_the_result_object_and_each_activation_ends_stdout_and_stderr_with_the_sentinel()
    {
        var layout = await InstallAsync("TestFunctions.Chatty", "Say");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var first = await invoker.RunAsync(Greet("Ada"));
        var second = await invoker.RunAsync(Greet("Bob", 2));

        Assert.True(first.Status == 200, $"{first}\n{host.Output}");
        Assert.Equal("Hello, Ada!", first.Json.GetProperty("message").GetString());
        Assert.Equal("Hello, Bob! Hello, Bob!", second.Json.GetProperty("message").GetString());
        await SentinelsAsync(host, 2);
        // The function's own output belongs to its activation: before that activation's sentinel, after the previous one's.
        var stdout = Stream(host, "out");
        var firstEnd = stdout.IndexOf(ActivationLog.Sentinel);
        Assert.True(stdout.IndexOf("chatty: greeting Ada") is var ada && ada >= 0 && ada < firstEnd, host.Output);
        Assert.True(stdout.IndexOf("chatty: greeting Bob") > firstEnd, host.Output);
        Assert.Equal(ActivationLog.Sentinel, stdout[^1]);
    }

    [Fact]
    public async Task The_run_context_becomes___OW_variables_for_its_activation_and_init_env_the_process_environment()
    {
        var layout = await InstallAsync("TestFunctions.EnvironmentReader", "ReadAll");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host, new JsonObject { ["GREETING_STYLE"] = "formal", ["RETRIES"] = 3 });
        string[] names = ["__OW_ACTIVATION_ID", "__OW_NAMESPACE", "__OW_ACTION_NAME", "__OW_API_KEY", "__OW_API_HOST", "__OW_DEADLINE", "__OW_TRANSACTION_ID", "__OW_VALUE", "GREETING_STYLE", "RETRIES"];
        var query = new JsonObject { ["names"] = new JsonArray(names.Select(n => (JsonNode)n!).ToArray()) };

        var read = await invoker.RunAsync(query, TimeSpan.FromSeconds(60), activationId: "a1b2c3");
        // The next activation's context lacks namespace: the previous activation's value must not linger.
        var bare = await invoker.PostAsync("run", new JsonObject { ["value"] = query.DeepClone(), ["activation_id"] = "d4e5f6" }.ToJsonString());

        Assert.True(read.Status == 200, $"{read}\n{host.Output}");
        var seen = read.Json;
        Assert.Equal("a1b2c3", seen.GetProperty("__OW_ACTIVATION_ID").GetString());
        Assert.Equal(OpenWhiskInvoker.Namespace, seen.GetProperty("__OW_NAMESPACE").GetString());
        Assert.Equal(invoker.ActionName, seen.GetProperty("__OW_ACTION_NAME").GetString());
        Assert.Equal(OpenWhiskInvoker.ApiKey, seen.GetProperty("__OW_API_KEY").GetString());
        Assert.Equal("https://openwhisk.example.com", seen.GetProperty("__OW_API_HOST").GetString());
        Assert.InRange(long.Parse(seen.GetProperty("__OW_DEADLINE").GetString()!), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddSeconds(61).ToUnixTimeMilliseconds());
        Assert.NotEqual("(unset)", seen.GetProperty("__OW_TRANSACTION_ID").GetString());
        Assert.Equal("(unset)", seen.GetProperty("__OW_VALUE").GetString()); // value is the data, not context
        Assert.Equal("formal", seen.GetProperty("GREETING_STYLE").GetString());
        Assert.Equal("3", seen.GetProperty("RETRIES").GetString());
        Assert.True(bare.Status == 200, $"{bare}\n{host.Output}");
        Assert.Equal("d4e5f6", bare.Json.GetProperty("__OW_ACTIVATION_ID").GetString());
        Assert.Equal("(unset)", bare.Json.GetProperty("__OW_NAMESPACE").GetString());
        Assert.Equal("formal", bare.Json.GetProperty("GREETING_STYLE").GetString());
    }

    [Fact]
    public async Task A_CloudEvent_input_sees_the_activation_id_and_the_action_as_its_source()
    {
        var layout = await InstallAsync("TestFunctions.EventEcho", "Describe");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var described = await invoker.RunAsync(Greet("Ada"), activationId: "0123abcd");

        Assert.True(described.Status == 200, $"{described}\n{host.Output}");
        Assert.Equal("0123abcd", described.Json.GetProperty("id").GetString());
        Assert.Equal(invoker.ActionName, described.Json.GetProperty("source").GetString());
        Assert.Equal(OpenWhiskActionProxy.EventType, described.Json.GetProperty("type").GetString());
        Assert.Equal("application/json", described.Json.GetProperty("dataContentType").GetString());
    }

    [Fact]
    public async Task A_throwing_handler_is_a_502_error_with_the_exception_type_and_message_and_the_activation_is_still_framed()
    {
        var layout = await InstallAsync("TestFunctions.Thrower", "Fail");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var failed = await invoker.RunAsync(Greet("Ada"));

        Assert.True(failed.Status == 502, $"{failed}\n{host.Output}");
        Assert.Equal("System.InvalidOperationException: Cannot greet Ada.", failed.Error);
        await SentinelsAsync(host, 1);
        var stderr = Stream(host, "err");
        // The host's log of the failure (with the stack) precedes the sentinel: the logger writes synchronously under openwhisk.
        Assert.True(stderr.FindIndex(l => l.Contains("TestFunctions.Thrower::Fail threw.") && l.Contains("at TestFunctions.Thrower.Fail")) is var logged
                    && logged >= 0 && logged < stderr.IndexOf(ActivationLog.Sentinel), host.Output);
    }

    [Fact]
    public async Task Parameters_the_input_cannot_take_are_a_502_FPKG4050_and_the_next_activation_is_served()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var refused = await invoker.RunAsync(new JsonObject { ["name"] = "Ada", ["times"] = "twice" });
        var served = await invoker.RunAsync(Greet("Ada"));

        Assert.True(refused.Status == 502, $"{refused}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.InvalidEventData}: ", refused.Error);
        Assert.Contains(OpenWhiskActionProxy.DataFix, refused.Error);
        Assert.Equal(200, served.Status);
        await SentinelsAsync(host, 2);
    }

    [Fact]
    public async Task The_deadline_cancels_the_invocation_as_FPKG4255_and_the_next_activation_is_served()
    {
        var layout = await InstallAsync("TestFunctions.Slow", "Wait");
        await using var host = await StartAsync(layout); // --invocation-timeout 30 s (default): the 1.5 s deadline is shorter
        using var invoker = await InitializedAsync(host);

        var started = DateTime.UtcNow;
        var late = await invoker.RunAsync(Greet("Ada", 60), TimeSpan.FromSeconds(1.5));
        var took = DateTime.UtcNow - started;

        Assert.True(late.Status == 502, $"{late}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskDeadlineExceeded}: ", late.Error);
        Assert.True(took < TimeSpan.FromSeconds(10), $"answered after {took.TotalSeconds:0.0} s\n{host.Output}");
        var quick = await invoker.RunAsync(new JsonObject { ["name"] = "Bob", ["times"] = 0 });
        Assert.True(quick.Status == 502 && quick.Error.StartsWith(HostErrorCodes.OpenWhiskResultNotObject), $"{quick}"); // a string result, refused below
    }

    [Fact]
    public async Task An_invocation_timeout_shorter_than_the_deadline_is_FPKG4014()
    {
        var layout = await InstallAsync("TestFunctions.Slow", "Wait");
        await using var host = await StartAsync(layout, "--invocation-timeout", "1");
        using var invoker = await InitializedAsync(host);

        var late = await invoker.RunAsync(Greet("Ada", 60), TimeSpan.FromSeconds(30));

        Assert.True(late.Status == 502, $"{late}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.InvocationTimedOut}: ", late.Error);
    }

    [Theory]
    [InlineData("TestFunctions.Texts", "Shout", "a string")]
    [InlineData("TestFunctions.Nuller", "Nothing", "null")]
    public async Task A_result_that_is_not_a_JSON_object_is_a_502_FPKG4254(string type, string method, string returned)
    {
        var layout = await InstallAsync(type, method);
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var refused = await invoker.RunAsync(Greet("Ada"));

        Assert.True(refused.Status == 502, $"{refused}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskResultNotObject}: The function returned {returned}; an OpenWhisk action's result must be a JSON object.", refused.Error);
    }

    [Fact]
    public async Task A_function_returning_nothing_answers_an_empty_object()
    {
        var layout = await InstallAsync("TestFunctions.Sinks", "Accept");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var accepted = await invoker.RunAsync(Greet("Ada"));

        Assert.True(accepted.Status == 200, $"{accepted}\n{host.Output}");
        Assert.Equal("{}", accepted.Body);
    }

    [Fact]
    public async Task A_second_init_is_FPKG4250_and_runs_go_on()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var host = await StartAsync(layout);
        using var invoker = await InitializedAsync(host);

        var again = await invoker.InitAsync(Wait);
        var served = await invoker.RunAsync(Greet("Ada"));

        Assert.True(again.Status == 502, $"{again}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskAlreadyInitialized}: Cannot initialize the action more than once", again.Error);
        Assert.Equal(200, served.Status);
    }

    [Fact]
    public async Task Run_before_init_is_FPKG4251()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var host = await StartAsync(layout);
        using var invoker = Invoker(host);

        var refused = await invoker.RunAsync(Greet("Ada"));

        Assert.True(refused.Status == 502, $"{refused}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskNotInitialized}: ", refused.Error);
        await SentinelsAsync(host, 1);
    }

    [Theory]
    [InlineData("init", "[1]", "it is a JSON array, not an object")]
    [InlineData("init", """{"value":"code"}""", "its value is a JSON string")]
    [InlineData("run", "not json", "it is not JSON")]
    public async Task A_body_outside_the_contract_is_FPKG4252(string route, string body, string problem)
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var host = await StartAsync(layout);
        using var invoker = Invoker(host);
        if (route == "run") Assert.Equal(200, (await invoker.InitAsync(Wait)).Status);

        var refused = await invoker.PostAsync(route, body);

        Assert.True(refused.Status == 502, $"{refused}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskInvalidBody}: The /{route} body is not what the OpenWhisk action proxy contract sends: {problem}", refused.Error);
    }

    [Fact]
    public async Task A_run_body_over_the_body_limit_is_FPKG4252_naming_the_limit()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var host = await StartAsync(layout, "--max-request-body-bytes", "200");
        using var invoker = await InitializedAsync(host);

        var refused = await invoker.RunAsync(Greet(new string('a', 400)));

        Assert.True(refused.Status == 502, $"{refused}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskInvalidBody}: The /run body is not what the OpenWhisk action proxy contract sends: it is larger than --max-request-body-bytes (200 bytes", refused.Error);
        await SentinelsAsync(host, 1);
    }

    [Fact]
    public async Task Init_with_code_is_FPKG4253_and_framed_in_the_log()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var host = await StartAsync(layout);
        using var invoker = Invoker(host);

        var refused = await invoker.InitAsync(Wait, code: "UEsDBBQAAAAIAA==");

        Assert.True(refused.Status == 502, $"{refused}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskCodeNotAccepted}: ", refused.Error);
        Assert.Contains("wsk action create <name> --docker <image>", refused.Error);
        await SentinelsAsync(host, 1);
    }

    [Fact]
    public async Task A_function_that_cannot_load_is_answered_at_init_with_its_code_and_the_host_keeps_listening()
    {
        var layout = await InstallAsync("TestFunctions.Missing", "Greet");
        await using var host = await StartAsync(layout);
        using var invoker = Invoker(host);

        var init = await invoker.InitAsync(Wait);
        var run = await invoker.RunAsync(Greet("Ada"));

        Assert.True(init.Status == 502, $"{init}\n{host.Output}");
        Assert.StartsWith($"{HostErrorCodes.EntryTypeNotFound}: ", init.Error);
        Assert.StartsWith($"{HostErrorCodes.OpenWhiskNotInitialized}: ", run.Error);
        Assert.False(host.HasExited, host.Output);
    }

    [Fact]
    public void Openwhisk_is_a_protocol_only_when_asked_for_no_environment_marks_it()
    {
        Assert.Contains(HostProtocols.OpenWhisk, HostProtocols.All);
        Assert.Equal(HostProtocols.CloudEventsHttp, HostProtocols.Resolve(null, name => name.StartsWith("__OW_") ? "x" : null));
        Assert.Equal(HostProtocols.OpenWhisk, HostProtocols.Resolve(HostProtocols.OpenWhisk, _ => null));
    }
}
