using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using FunctionPackage.Host.Invocation;
using FunctionPackage.Host.Protocols;
using FunctionPackage.Host.Protocols.AzureCustomHandler;
using FunctionPackage.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FunctionPackage.Host.Tests.Protocols;

/// <summary>
/// The custom handler's mapping in-process: the app files it reads (<see cref="AzureFunctionApp"/>), an invocation
/// request into an event (<see cref="AzureInvocation"/>), an outcome into an answer (<see cref="AzureOutcomes"/>). The
/// served protocol, the real host process: <see cref="AzureCustomHandlerTests"/>.
/// </summary>
public sealed class AzureCustomHandlerMappingTests : IDisposable
{
    private readonly TestRoot _root = new("host-azure-map");

    public void Dispose() => _root.Dispose();

    private static readonly AzureFunction HttpFunction = new("Orders", "httpTrigger", "req", "res", Array.Empty<string>(), null, new[] { "POST" });
    private static readonly AzureFunction QueueFunction = new("OnOrder", "queueTrigger", "order", null, new[] { "receipt" }, null, Array.Empty<string>());
    private static readonly AzureFunction GridFunction = new("OnEvent", "eventGridTrigger", "eventGridEvent", null, Array.Empty<string>(), null, Array.Empty<string>());

    private static InvocationPipeline Pipeline(string method)
        => new(FunctionInvoker.Create(typeof(Shapes).GetMethod(method)!), TimeSpan.Zero, 0, NullLogger.Instance, AzureFunctionsHandler.DataFix);

    private static ReadOnlyMemory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Data(FunctionEvent e) => Encoding.UTF8.GetString(e.Body!.Value.Span);

    private static JsonElement Json(byte[] body) => JsonDocument.Parse(body).RootElement;

    // ---- the app files ----

    private string App(string hostJson, params (string Name, string FunctionJson)[] functions)
    {
        var root = _root.Combine("app-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "host.json"), hostJson);
        foreach (var (name, json) in functions)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "function.json"), json);
        }
        // A folder without function.json (the handler's own files) is not a function.
        Directory.CreateDirectory(Path.Combine(root, "fnpkg", "functions"));
        return root;
    }

    private static Func<string, string?> Env(string? port, string root) => name => name switch
    {
        AzureFunctionApp.PortVariable => port,
        AzureFunctionApp.AppRootVariable => root,
        _ => null,
    };

    private const string HttpBindings = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","methods":["post","get"],"authLevel":"function"},{"type":"http","direction":"out","name":"res"}]}""";
    private const string QueueBindings = """{"bindings":[{"type":"queueTrigger","direction":"in","name":"order","queueName":"orders","connection":"AzureWebJobsStorage"},{"type":"queue","direction":"out","name":"receipt","queueName":"receipts"}]}""";

    [Fact]
    public void The_app_is_read_from_host_json_and_every_function_folder_in_ordinal_order()
    {
        var root = App("""{"version":"2.0","customHandler":{"enableForwardingHttpRequest":false},"extensions":{"http":{"routePrefix":""}}}""",
            ("Orders", HttpBindings), ("OnOrder", QueueBindings));

        var app = AzureFunctionApp.Load(Env("7071", root));

        Assert.Equal("http://127.0.0.1:7071", app.ListenUrl);
        Assert.False(app.ForwardHttpRequests);
        Assert.Equal(new[] { "OnOrder", "Orders" }, app.Functions.Select(f => f.Name));
        var queue = app.Functions[0];
        Assert.Equal(("queueTrigger", "order", (string?)null, "receipt"), (queue.TriggerType, queue.TriggerName, queue.HttpOutput, Assert.Single(queue.Outputs)));
        var http = app.Functions[1];
        Assert.Equal(("req", "res", (string?)null), (http.TriggerName, http.HttpOutput, http.ForwardedRoute));
        Assert.Equal(new[] { "POST", "GET" }, http.Methods);
    }

    [Theory]
    [InlineData("""{"customHandler":{"enableForwardingHttpRequest":true},"extensions":{"http":{"routePrefix":""}}}""", "/Orders")]
    [InlineData("""{"customHandler":{"enableForwardingHttpRequest":true}}""", "/api/Orders")]
    public void With_forwarding_an_http_only_function_is_forwarded_at_its_route_and_an_event_function_stays_in_payload_mode(string hostJson, string route)
    {
        var root = App(hostJson, ("Orders", HttpBindings), ("OnOrder", QueueBindings));

        var app = AzureFunctionApp.Load(Env("7071", root));

        Assert.True(app.ForwardHttpRequests);
        Assert.Equal(route, app.Functions.Single(f => f.Name == "Orders").ForwardedRoute);
        Assert.Null(app.Functions.Single(f => f.Name == "OnOrder").ForwardedRoute);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("80a")]
    public void A_missing_or_bad_port_is_FPKG4200(string? port)
    {
        var root = App("{}", ("Orders", HttpBindings));
        var error = Assert.Throws<FunctionHostException>(() => AzureFunctionApp.Load(Env(port, root)));
        Assert.Equal(HostErrorCodes.AzurePortNotSet, error.Code);
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", error.Message);
    }

    [Theory]
    [InlineData("no-host-json", "no host.json")]
    [InlineData("no-functions", "no folder holds a function.json")]
    [InlineData("""{"bindings":[{"type":"queue","direction":"out","name":"q"}]}""", "has no trigger binding")]
    [InlineData("""{"bindings":[{"direction":"in"}]}""", "without \"type\" and \"name\"")]
    [InlineData("""{"bindings":{}}""", "has no \"bindings\" array")]
    [InlineData("""{"bindings":[""", "is not valid JSON")]
    public void An_app_the_handler_cannot_read_is_FPKG4201_naming_the_problem(string functionJson, string problem)
    {
        var root = functionJson switch
        {
            "no-host-json" => _root.Combine("empty-" + Guid.NewGuid().ToString("N")[..8]),
            "no-functions" => App("{}"),
            _ => App("{}", ("Orders", functionJson)),
        };
        Directory.CreateDirectory(root);

        var error = Assert.Throws<FunctionHostException>(() => AzureFunctionApp.Load(Env("7071", root)));

        Assert.Equal(HostErrorCodes.AzureAppInvalid, error.Code);
        Assert.Contains(problem, error.Message);
        Assert.Contains(root, error.Message);
    }

    [Fact]
    public void The_protocol_is_azure_functions_when_the_functions_host_sets_the_port_and_no_protocol_is_given()
    {
        Assert.Equal(HostProtocols.AzureFunctions, HostProtocols.Resolve(null, n => n == AzureFunctionApp.PortVariable ? "7071" : null));
        Assert.Equal(HostProtocols.CloudEventsHttp, HostProtocols.Resolve(HostProtocols.CloudEventsHttp, n => n == AzureFunctionApp.PortVariable ? "7071" : null));
        Assert.Equal(HostProtocols.CloudEventsHttp, HostProtocols.Resolve(null, _ => null));
        Assert.Contains(HostProtocols.AzureFunctions, HostProtocols.All);
    }

    // ---- an invocation request into an event ----

    [Fact]
    public void An_http_trigger_request_gives_its_body_with_its_content_type_and_the_invocation_id()
    {
        var e = AzureInvocation.Decode(HttpFunction, Utf8("""
            {"Data":{"req":{"Url":"http://localhost:7071/Orders?x=1","Method":"POST","Query":{"x":"1"},
             "Headers":{"Content-Type":["application/json; charset=utf-8"],"Host":["localhost:7071"]},"Params":{},"Identities":[],
             "Body":"{\"sku\":\"a\",\"quantity\":3}"}},
             "Metadata":{"sys":{"MethodName":"Orders","UtcNow":"2026-12-02T03:00:00Z","RandGuid":"5c4d"}}}
            """), "inv-1");

        Assert.Equal("""{"sku":"a","quantity":3}""", Data(e));
        Assert.Equal("application/json; charset=utf-8", e.DataContentType);
        Assert.Equal("inv-1", e.CloudEvent.Id);
        Assert.Equal("com.microsoft.azure.functions.httpTrigger", e.CloudEvent.Type);
        Assert.Equal("urn:functionpackage:azure-functions:Orders", e.CloudEvent.Source!.ToString());
    }

    [Fact]
    public void An_octet_stream_body_arrives_base64_and_is_decoded_and_no_body_is_no_data()
    {
        var bytes = AzureInvocation.Decode(HttpFunction, Utf8("""{"Data":{"req":{"Method":"POST","Headers":{"Content-Type":["application/octet-stream"]},"Body":"AAEC/w=="}},"Metadata":{}}"""), null);
        var empty = AzureInvocation.Decode(HttpFunction, Utf8("""{"Data":{"req":{"Method":"GET","Headers":{}}},"Metadata":{}}"""), null);

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, bytes.Body!.Value.ToArray());
        Assert.Equal(0, empty.Body!.Value.Length);
        Assert.True(Guid.TryParse(empty.CloudEvent.Id, out _), "no invocation id header: a new GUID");
    }

    [Theory]
    [InlineData("""{"sku":"a","quantity":2}""")]
    [InlineData("plain text")]
    public void A_queue_message_string_is_its_text_also_when_the_functions_host_serialized_it_once_more(string message)
    {
        // Data.order as the Functions host sends a string input: the string, or (JsonConvert.SerializeObject) its JSON literal as a string.
        foreach (var value in new[] { JsonSerializer.Serialize(message), JsonSerializer.Serialize(JsonSerializer.Serialize(message)) })
        {
            var e = AzureInvocation.Decode(QueueFunction, Utf8("{\"Data\":{\"order\":" + value + "},\"Metadata\":{\"DequeueCount\":1}}"), "inv-2");
            Assert.Equal(message, Data(e));
            Assert.Equal("com.microsoft.azure.functions.queueTrigger", e.CloudEvent.Type);
        }
    }

    [Theory]
    [InlineData("""{"sku":"a"}""")]
    [InlineData("42")]
    [InlineData("[1,2]")]
    public void A_queue_message_object_array_or_number_is_its_json(string value)
    {
        var e = AzureInvocation.Decode(QueueFunction, Utf8("{\"Data\":{\"order\":" + value + "},\"Metadata\":{}}"), "inv-2");
        Assert.Equal(value, Data(e));
        Assert.Equal("application/json", e.DataContentType);
    }

    [Fact]
    public void An_event_grid_event_in_the_cloudevents_schema_is_that_cloudevent()
    {
        var e = AzureInvocation.Decode(GridFunction, Utf8("""
            {"Data":{"eventGridEvent":{"specversion":"1.0","id":"ev-9","source":"/orders","type":"com.example.order.created",
             "datacontenttype":"application/json","subject":"o/1","data":{"sku":"b","quantity":4}}},"Metadata":{}}
            """), "inv-3");

        Assert.Equal(("ev-9", "/orders", "com.example.order.created", "o/1"), (e.CloudEvent.Id, e.CloudEvent.Source!.ToString(), e.CloudEvent.Type, e.CloudEvent.Subject));
        Assert.Equal("""{"sku":"b","quantity":4}""", ((JsonElement)e.CloudEvent.Data!).GetRawText());
    }

    [Fact]
    public void An_event_grid_event_in_the_event_grid_schema_maps_its_fields_to_the_cloudevent()
    {
        var e = AzureInvocation.Decode(GridFunction, Utf8("""
            {"Data":{"eventGridEvent":{"id":"eg-1","topic":"/subscriptions/s/resourceGroups/g","subject":"orders/1","eventType":"Orders.Created",
             "eventTime":"2026-12-02T03:00:00Z","dataVersion":"1","data":{"sku":"c","quantity":1}}},"Metadata":{}}
            """), "inv-4");

        Assert.Equal(("eg-1", "Orders.Created", "orders/1"), (e.CloudEvent.Id, e.CloudEvent.Type, e.CloudEvent.Subject));
        Assert.Equal("/subscriptions/s/resourceGroups/g", e.CloudEvent.Source!.ToString());
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.Zero), e.CloudEvent.Time);
        Assert.Equal("""{"sku":"c","quantity":1}""", Data(e));
    }

    [Theory]
    [InlineData("not json", "it is not JSON")]
    [InlineData("""{"Metadata":{}}""", "is not a JSON object with a \"Data\" object")]
    [InlineData("""{"Data":{"request":{}}}""", "has no \"req\"")]
    [InlineData("""{"Data":{"req":"text"}}""", "is not an HTTP request object")]
    public void A_body_that_is_not_an_invocation_of_the_function_is_FPKG4202(string body, string problem)
    {
        var error = Assert.Throws<AzureRequestException>(() => AzureInvocation.Decode(HttpFunction, Utf8(body), null));
        Assert.StartsWith(HostErrorCodes.AzureInvocationInvalid + ": The request to POST /Orders", error.Message);
        Assert.Contains(problem, error.Message);
    }

    // ---- an outcome into an answer ----

    [Fact]
    public async Task An_http_result_is_the_http_output_with_status_200_and_the_result_json()
    {
        var pipeline = Pipeline(nameof(Shapes.Poco));
        var outcome = await pipeline.InvokeAsync(new FunctionEvent(new CloudEvent { Id = "1", Source = new Uri("urn:t"), Type = "t" }, Utf8("""{"sku":"a","quantity":3}""")), default);

        var answer = AzureOutcomes.ToAnswer(HttpFunction, outcome, pipeline)!.Value;

        Assert.Equal(200, answer.Status);
        var res = Json(answer.Body).GetProperty("Outputs").GetProperty("res");
        Assert.Equal("200", res.GetProperty("statusCode").GetString());
        Assert.Equal("""{"sku":"a","total":6,"cancellable":false}""", res.GetProperty("body").GetString());
        Assert.Equal("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(0, Json(answer.Body).GetProperty("Logs").GetArrayLength());
    }

    [Fact]
    public async Task With_a_return_http_binding_the_response_is_the_return_value_and_void_is_204()
    {
        var returned = HttpFunction with { HttpOutput = AzureFunction.ReturnBinding };
        var pipeline = Pipeline(nameof(Shapes.Void));
        var outcome = await pipeline.InvokeAsync(new FunctionEvent(new CloudEvent { Id = "1", Source = new Uri("urn:t"), Type = "t" }, Utf8("""{"sku":"a","quantity":3}""")), default);

        var body = Json(AzureOutcomes.ToAnswer(returned, outcome, pipeline)!.Value.Body);

        Assert.Equal("204", body.GetProperty("ReturnValue").GetProperty("statusCode").GetString());
        Assert.Empty(body.GetProperty("Outputs").EnumerateObject());
    }

    [Fact]
    public void An_event_result_goes_to_every_output_binding_and_the_return_value()
    {
        var pipeline = Pipeline(nameof(Shapes.ValueType));
        var body = Json(AzureOutcomes.ToAnswer(QueueFunction, InvocationOutcome.Returned(7), pipeline)!.Value.Body);

        Assert.Equal(7, body.GetProperty("Outputs").GetProperty("receipt").GetInt32());
        Assert.Equal(7, body.GetProperty("ReturnValue").GetInt32());
    }

    [Theory]
    [InlineData(InvocationStatus.BadInput, HostErrorCodes.InvalidEventData, "400")]
    [InlineData(InvocationStatus.Busy, HostErrorCodes.TooManyInvocations, "503")]
    public void A_fault_of_the_http_caller_is_answered_200_with_the_http_output_carrying_the_problem(InvocationStatus status, string code, string httpStatus)
    {
        var outcome = InvocationOutcome.Coded(status, code, "a", "b", "c");

        var answer = AzureOutcomes.ToAnswer(HttpFunction, outcome, Pipeline(nameof(Shapes.Poco)))!.Value;

        Assert.Equal(200, answer.Status);
        var body = Json(answer.Body);
        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(httpStatus, res.GetProperty("statusCode").GetString());
        Assert.Equal("application/problem+json", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(code, JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement.GetProperty("code").GetString());
        Assert.Equal(outcome.Detail, body.GetProperty("Logs")[0].GetString());
    }

    [Theory]
    [InlineData(InvocationStatus.Timeout, 504)]
    [InlineData(InvocationStatus.Failure, 500)]
    public void A_fault_of_the_function_is_a_failed_invocation_with_the_detail_logged(InvocationStatus status, int expected)
    {
        var outcome = status == InvocationStatus.Timeout
            ? InvocationOutcome.Coded(status, HostErrorCodes.InvocationTimedOut, 1.0)
            : InvocationOutcome.Uncoded(status, "The function threw System.InvalidOperationException. See the host log for details.");

        foreach (var function in new[] { HttpFunction, QueueFunction })
        {
            var answer = AzureOutcomes.ToAnswer(function, outcome, Pipeline(nameof(Shapes.Poco)))!.Value;
            Assert.Equal(expected, answer.Status);
            var body = Json(answer.Body);
            Assert.Equal(outcome.Detail, body.GetProperty("Logs")[0].GetString());
            Assert.Empty(body.GetProperty("Outputs").EnumerateObject());
        }
    }

    [Fact]
    public void Bad_event_data_of_an_event_trigger_fails_the_invocation_so_the_message_is_retried_and_then_poisoned()
    {
        var outcome = InvocationOutcome.Coded(InvocationStatus.BadInput, HostErrorCodes.InvalidEventData, "a", "b", "c");
        var answer = AzureOutcomes.ToAnswer(QueueFunction, outcome, Pipeline(nameof(Shapes.Poco)))!.Value;
        Assert.Equal(400, answer.Status);
        Assert.StartsWith(HostErrorCodes.InvalidEventData, Json(answer.Body).GetProperty("Logs")[0].GetString());
        Assert.Null(AzureOutcomes.ToAnswer(QueueFunction, InvocationOutcome.Uncoded(InvocationStatus.Cancelled, "gone"), Pipeline(nameof(Shapes.Poco))));
    }
}
