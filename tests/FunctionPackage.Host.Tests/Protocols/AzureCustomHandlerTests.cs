using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FunctionPackage.Host.Protocols;
using FunctionPackage.Host.Protocols.AzureCustomHandler;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests.Protocols;

/// <summary>
/// An Azure Functions app as the Functions host runs a custom handler, written from the contract: the app root with
/// host.json and <c>&lt;Name&gt;/function.json</c>, the real host process started with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>
/// and <c>FUNCTIONS_APP_ROOT_PATH</c> (no --urls), 30 s to listen, then invocations as the Functions host sends them.
/// (The exported app run as exported: FunctionPackage.Cli.Tests' Azure export tests.)
/// </summary>
internal sealed class AzureApp : IAsyncDisposable
{
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private AzureApp(HostProcess host, HttpClient client)
    {
        Host = host;
        Client = client;
    }

    public HostProcess Host { get; }
    public HttpClient Client { get; }

    public const string HttpFunction = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","methods":["post"],"authLevel":"anonymous"},{"type":"http","direction":"out","name":"res"}]}""";
    public const string QueueFunction = """{"bindings":[{"type":"queueTrigger","direction":"in","name":"order","queueName":"orders","connection":"AzureWebJobsStorage"}]}""";
    public const string EventGridFunction = """{"bindings":[{"type":"eventGridTrigger","direction":"in","name":"eventGridEvent"}]}""";

    public static string HostJson(bool forward)
        => """{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"dotnet","arguments":[]},"enableForwardingHttpRequest":"""
           + (forward ? "true" : "false") + """},"extensions":{"http":{"routePrefix":""}}}""";

    /// <summary>Writes the app under <paramref name="root"/> and starts the host for <paramref name="layout"/>, as the Functions host would.</summary>
    public static async Task<AzureApp> StartAsync(InstalledLayout layout, string root, bool forward, IEnumerable<(string Name, string FunctionJson)> functions, params string[] options)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "host.json"), HostJson(forward));
        foreach (var (name, json) in functions)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "function.json"), json);
        }
        var port = FreePort();
        var host = HostProcess.StartClient(layout, layout.FunctionDirectory, new()
        {
            [AzureFunctionApp.PortVariable] = port.ToString(),
            [AzureFunctionApp.AppRootVariable] = root,
            ["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString(),
        }, options);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        var app = new AzureApp(host, client);
        if (!await app.WaitForListenAsync(port))
        {
            var output = host.Output;
            await app.DisposeAsync();
            throw new InvalidOperationException($"The custom handler did not listen on 127.0.0.1:{port} within {StartLimit.TotalSeconds} s.\n{output}");
        }
        return app;
    }

    /// <summary>As the Functions host waits for a custom handler: until a TCP connect to the port succeeds, at most 30 s.</summary>
    private async Task<bool> WaitForListenAsync(int port)
    {
        var deadline = DateTime.UtcNow + StartLimit;
        while (DateTime.UtcNow < deadline && !Host.HasExited)
        {
            using var socket = new TcpClient();
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    /// <summary>A payload-mode invocation: <c>POST /&lt;Name&gt;</c> with the Functions host's headers and <c>{"Data","Metadata"}</c>.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(string function, string binding, string valueJson, string invocationId = "0b4c1d7e-0000-4000-8000-000000000001")
    {
        var body = "{\"Data\":{" + JsonSerializer.Serialize(binding) + ":" + valueJson + "},\"Metadata\":{\"sys\":{\"MethodName\":"
                   + JsonSerializer.Serialize(function) + ",\"UtcNow\":\"2026-12-02T03:00:00Z\",\"RandGuid\":\"" + Guid.NewGuid() + "\"}}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, function) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(AzureFunctionsHandler.InvocationIdHeader, invocationId);
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0");
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"POST /{function} answered {(int)response.StatusCode} with no body\n{Host.Output}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>An HTTP trigger's request object, as the Functions host builds it from the caller's request.</summary>
    public static string HttpRequest(string function, string body, string contentType = "application/json") => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Url"] = $"https://orders.azurewebsites.net/{function}",
        ["Method"] = "POST",
        ["Query"] = new Dictionary<string, string>(),
        ["Headers"] = new Dictionary<string, string[]> { ["Content-Type"] = new[] { contentType }, ["Host"] = new[] { "orders.azurewebsites.net" } },
        ["Params"] = new Dictionary<string, string>(),
        ["Identities"] = Array.Empty<object>(),
        ["Body"] = body,
    });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One app for the class: Greeter::Greet behind an HTTP, a queue and an Event Grid function, in payload mode, chosen by the port variable alone.</summary>
public sealed class AzureGreeterApp : IAsyncLifetime
{
    private readonly TestRoot _root = new("host-azure");
    internal AzureApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter");
        var layout = InstalledLayout.Create(publish, _root.Combine("install"), "Test.Greeter.Greet", "1.0.0", "Greeter", "TestFunctions.Greeter", "Greet");
        App = await AzureApp.StartAsync(layout, _root.Combine("app"), forward: false, new[]
        {
            ("Greet", AzureApp.HttpFunction), ("OnOrder", AzureApp.QueueFunction), ("OnEvent", AzureApp.EventGridFunction),
        });
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        _root.Dispose();
    }
}

public sealed class AzureCustomHandlerTests : IClassFixture<AzureGreeterApp>, IDisposable
{
    private readonly AzureApp _app;
    private readonly TestRoot _root = new("host-azure-one");

    public AzureCustomHandlerTests(AzureGreeterApp fixture) => _app = fixture.App;

    public void Dispose() => _root.Dispose();

    private static string Message(JsonElement result) => JsonDocument.Parse(result.GetString()!).RootElement.GetProperty("message").GetString()!;

    [Fact]
    public async Task An_http_trigger_in_payload_mode_answers_the_http_output_with_the_result()
    {
        var (status, body) = await _app.InvokeAsync("Greet", "req", AzureApp.HttpRequest("Greet", """{"name":"Ada","times":2}"""));

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}\n{_app.Host.Output}");
        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal("200", res.GetProperty("statusCode").GetString());
        Assert.Equal("Hello, Ada! Hello, Ada!", Message(res.GetProperty("body")));
        Assert.Equal("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Contains($"azure-functions", HostProtocols.Resolve(null, n => n == AzureFunctionApp.PortVariable ? "1" : null));
    }

    [Fact]
    public async Task A_queue_message_is_the_input_and_the_result_the_return_value()
    {
        // A string input, as the Functions host sends it: serialized once more (JsonConvert.SerializeObject).
        var message = JsonSerializer.Serialize(JsonSerializer.Serialize("""{"name":"Queue"}"""));

        var (status, body) = await _app.InvokeAsync("OnOrder", "order", message);

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}\n{_app.Host.Output}");
        Assert.Equal("Hello, Queue!", body.GetProperty("ReturnValue").GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_event_grid_cloudevent_is_bound_by_its_data()
    {
        var cloudEvent = """{"specversion":"1.0","id":"ev-1","source":"/orders","type":"com.example.order.created","datacontenttype":"application/json","data":{"name":"Grid"}}""";

        var (status, body) = await _app.InvokeAsync("OnEvent", "eventGridEvent", cloudEvent);

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}\n{_app.Host.Output}");
        Assert.Equal("Hello, Grid!", body.GetProperty("ReturnValue").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Bad_http_data_is_the_callers_400_with_FPKG4050_and_bad_queue_data_fails_the_invocation()
    {
        var (httpStatus, httpBody) = await _app.InvokeAsync("Greet", "req", AzureApp.HttpRequest("Greet", "{not json"));
        var (queueStatus, queueBody) = await _app.InvokeAsync("OnOrder", "order", "\"{not json\"");

        Assert.True(httpStatus == HttpStatusCode.OK, $"{httpStatus} {httpBody}\n{_app.Host.Output}");
        var res = httpBody.GetProperty("Outputs").GetProperty("res");
        Assert.Equal("400", res.GetProperty("statusCode").GetString());
        var problem = JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(HostErrorCodes.InvalidEventData, problem.GetProperty("code").GetString());
        Assert.Contains(AzureFunctionsHandler.DataFix, problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, queueStatus);
        Assert.StartsWith(HostErrorCodes.InvalidEventData, queueBody.GetProperty("Logs")[0].GetString());
    }

    [Fact]
    public async Task A_request_that_is_not_an_invocation_is_400_FPKG4202_and_an_unknown_function_404()
    {
        using var notInvocation = await _app.Client.PostAsync("Greet", new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));
        using var unknown = await _app.Client.PostAsync("Nope", new StringContent("{}", Encoding.UTF8, "application/json"));

        var text = await notInvocation.Content.ReadAsStringAsync();
        Assert.True(notInvocation.StatusCode == HttpStatusCode.BadRequest, $"{notInvocation.StatusCode} {text}\n{_app.Host.Output}");
        Assert.StartsWith(HostErrorCodes.AzureInvocationInvalid, JsonDocument.Parse(text).RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<InstalledLayout> InstallAsync(string type, string method)
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter");
        return InstalledLayout.Create(publish, _root.Combine(method), $"Test.Greeter.{method}", "1.0.0", "Greeter", type, method);
    }

    [Fact]
    public async Task With_forwarding_the_original_request_is_answered_as_is()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        await using var app = await AzureApp.StartAsync(layout, _root.Combine("forward"), forward: true, new[] { ("Greet", AzureApp.HttpFunction) }, "--protocol", HostProtocols.AzureFunctions);

        using var request = new HttpRequestMessage(HttpMethod.Post, "Greet") { Content = new StringContent("""{"name":"Forwarded"}""", Encoding.UTF8, "application/json") };
        request.Headers.Add(AzureFunctionsHandler.InvocationIdHeader, Guid.NewGuid().ToString());
        using var response = await app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {text}\n{app.Host.Output}");
        Assert.Equal("Hello, Forwarded!", JsonDocument.Parse(text).RootElement.GetProperty("message").GetString());
        Assert.Contains("forwarded HTTP requests at /Greet", app.Host.Output);
    }

    [Fact]
    public async Task A_throwing_handler_and_a_timeout_are_failed_invocations_with_the_detail_logged()
    {
        var thrower = await InstallAsync("TestFunctions.Thrower", "Fail");
        var slow = await InstallAsync("TestFunctions.Slow", "Wait");
        await using var throwing = await AzureApp.StartAsync(thrower, _root.Combine("throw"), forward: false, new[] { ("Greet", AzureApp.HttpFunction) });
        await using var timing = await AzureApp.StartAsync(slow, _root.Combine("slow"), forward: false, new[] { ("OnOrder", AzureApp.QueueFunction) }, "--invocation-timeout", "1");

        var (thrownStatus, thrownBody) = await throwing.InvokeAsync("Greet", "req", AzureApp.HttpRequest("Greet", """{"name":"Ada"}"""));
        var (timeoutStatus, timeoutBody) = await timing.InvokeAsync("OnOrder", "order", JsonSerializer.Serialize("""{"name":"Late","times":10}"""));

        Assert.True(thrownStatus == HttpStatusCode.InternalServerError, $"{thrownStatus} {thrownBody}\n{throwing.Host.Output}");
        Assert.Contains("System.InvalidOperationException", thrownBody.GetProperty("Logs")[0].GetString());
        Assert.Contains("Cannot greet Ada.", throwing.Host.Output);
        Assert.True(timeoutStatus == HttpStatusCode.GatewayTimeout, $"{timeoutStatus} {timeoutBody}\n{timing.Host.Output}");
        Assert.StartsWith(HostErrorCodes.InvocationTimedOut, timeoutBody.GetProperty("Logs")[0].GetString());
    }

    [Fact]
    public async Task Without_the_port_or_the_app_the_host_exits_3_with_FPKG4200_or_FPKG4201()
    {
        var layout = await InstallAsync("TestFunctions.Greeter", "Greet");
        var empty = Directory.CreateDirectory(_root.Combine("empty-app")).FullName;

        var noPort = await HostProcess.RunWithEnvironmentAsync(layout, new() { [AzureFunctionApp.AppRootVariable] = empty }, "",
            "serve", "--function", layout.FunctionDirectory, "--protocol", HostProtocols.AzureFunctions);
        var noApp = await HostProcess.RunWithEnvironmentAsync(layout, new() { [AzureFunctionApp.PortVariable] = "7071", [AzureFunctionApp.AppRootVariable] = empty }, "",
            "serve", "--function", layout.FunctionDirectory);

        Assert.True(noPort.ExitCode == ExitCodes.LoadFailed, $"{noPort.ExitCode}\n{noPort.Stderr}");
        Assert.Contains(HostErrorCodes.AzurePortNotSet + ": FUNCTIONS_CUSTOMHANDLER_PORT is '(unset)'", noPort.Stderr);
        Assert.True(noApp.ExitCode == ExitCodes.LoadFailed, $"{noApp.ExitCode}\n{noApp.Stderr}");
        Assert.Contains(HostErrorCodes.AzureAppInvalid + ": the Azure Functions app at " + empty, noApp.Stderr);
    }
}
