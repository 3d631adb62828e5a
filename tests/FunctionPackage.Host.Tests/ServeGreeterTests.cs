using System.Net;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using FunctionPackage.Host.Tests.Support;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>Greeter::Greet (POCO in, POCO out) served by a real host process, every request mode and the 4xx faults.</summary>
public sealed class ServeGreeterTests : IClassFixture<GreeterHost>
{
    private readonly GreeterHost _fixture;

    public ServeGreeterTests(GreeterHost fixture) => _fixture = fixture;

    private HttpClient Client => _fixture.Client;

    private string Log => _fixture.Host.Output;

    [Fact]
    public async Task Healthz_is_200_with_the_function_identity()
    {
        using var response = await Client.GetAsync("healthz");
        Assert.True(response.StatusCode == HttpStatusCode.OK, Log);
        var json = await response.ReadJsonAsync();
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        Assert.Equal(_fixture.Id, json.GetProperty("id").GetString());
        Assert.Equal("1.0.0", json.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Plain_json_request_gets_plain_json_result()
    {
        using var response = await Client.SendAsync(Plain("""{"name":"Ada","times":2}"""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, Log);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("ce-specversion"));
        Assert.Equal("""{"message":"Hello, Ada! Hello, Ada!","length":23}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Binary_mode_request_gets_binary_mode_response_event()
    {
        using var response = await Client.SendAsync(Binary("""{"name":"Grace"}""", id: "evt-42"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, Log);
        Assert.Equal("1.0", response.Header("ce-specversion"));
        Assert.Equal("com.example.greet.response", response.Header("ce-type"));
        Assert.Equal($"/functions/{_fixture.Id}/1.0.0", response.Header("ce-source"));
        var id = response.Header("ce-id");
        Assert.True(Guid.TryParse(id, out _), $"ce-id '{id}' is not a fresh GUID");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"message":"Hello, Grace!","length":13}""", await response.Content.ReadAsStringAsync());

        // The CloudEvents SDK reads it back as a valid event.
        var decoded = await response.ToCloudEventAsync(new JsonEventFormatter());
        Assert.Equal("com.example.greet.response", decoded.Type);
        Assert.Equal("Hello, Grace!", ((JsonElement)decoded.Data!).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Binary_mode_with_percent_encoded_type_round_trips()
    {
        using var response = await Client.SendAsync(Binary("""{"name":"Zoë"}""", type: "com.example.gr%C3%BC%C3%9F"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, Log);
        Assert.Equal("com.example.gr%C3%BC%C3%9F.response", response.Header("ce-type"));
        var decoded = await response.ToCloudEventAsync(new JsonEventFormatter());
        Assert.Equal("com.example.grüß.response", decoded.Type);
        Assert.Equal("Hello, Zoë!", ((JsonElement)decoded.Data!).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Structured_mode_request_gets_structured_response_event()
    {
        using var response = await Client.SendAsync(Structured(EventJson("s-1", """{"name":"Linus"}""", type: "com.example.hello")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, Log);
        Assert.Equal("application/cloudevents+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("ce-type"));

        var decoded = await response.ToCloudEventAsync(new JsonEventFormatter());
        Assert.Equal(CloudEventsSpecVersion.V1_0, decoded.SpecVersion);
        Assert.Equal("com.example.hello.response", decoded.Type);
        Assert.Equal($"/functions/{_fixture.Id}/1.0.0", decoded.Source!.ToString());
        Assert.NotEqual("s-1", decoded.Id);
        Assert.Equal("application/json", decoded.DataContentType);
        var data = (JsonElement)decoded.Data!;
        Assert.Equal("Hello, Linus!", data.GetProperty("message").GetString());
        Assert.Equal(13, data.GetProperty("length").GetInt32());
    }

    [Fact]
    public async Task Batch_mode_request_gets_one_result_event_per_input_in_order()
    {
        var batch = $"[{EventJson("b-1", """{"name":"A"}""")},{EventJson("b-2", """{"name":"Bee","times":2}""", type: "com.example.other")},{EventJson("b-3", """{"name":"C"}""")}]";
        using var response = await Client.SendAsync(Batch(batch));
        Assert.True(response.StatusCode == HttpStatusCode.OK, Log);
        Assert.Equal("application/cloudevents-batch+json", response.Content.Headers.ContentType?.MediaType);

        var events = await response.ToCloudEventBatchAsync(new JsonEventFormatter());
        Assert.Equal(3, events.Count);
        Assert.Equal(new[] { "Hello, A!", "Hello, Bee! Hello, Bee!", "Hello, C!" },
            events.Select(e => ((JsonElement)e.Data!).GetProperty("message").GetString()).ToArray());
        Assert.Equal(new[] { "com.example.greet.response", "com.example.other.response", "com.example.greet.response" },
            events.Select(e => e.Type).ToArray());
        Assert.Equal(3, events.Select(e => e.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("0.1", "evt", "/tests", "com.example.greet", "specversion")]
    [InlineData("1.0", "", "/tests", "com.example.greet", "ce-id")]
    [InlineData("1.0", "evt", "", "com.example.greet", "ce-source")]
    [InlineData("1.0", "evt", "/tests", "", "ce-type")]
    public async Task Binary_mode_with_bad_specversion_or_missing_attribute_is_400(string specVersion, string id, string source, string type, string mentioned)
    {
        using var response = await Client.SendAsync(Binary("""{"name":"x"}""", type, id, source, specVersion));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, mentioned);
    }

    [Fact]
    public async Task Binary_mode_with_invalid_attribute_value_is_400()
    {
        using var response = await Client.SendAsync(Binary("""{"name":"x"}""", extra: ("ce-time", "yesterday")));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "");
    }

    [Fact]
    public async Task Invalid_json_for_the_poco_is_400()
    {
        using var binary = await Client.SendAsync(Binary("""{"name": """));
        await AssertProblemAsync(binary, HttpStatusCode.BadRequest, "GreetRequest");
        using var plain = await Client.SendAsync(Plain("""{"name": 42}"""));
        await AssertProblemAsync(plain, HttpStatusCode.BadRequest, "GreetRequest");
    }

    [Fact]
    public async Task Data_that_cannot_be_bound_is_a_coded_400_naming_the_fix_logged_once()
    {
        using var response = await Client.SendAsync(Binary("""{"name": """, id: "evt-unbound"));
        var problem = await ServeLimitAssertions.AssertCodedProblemAsync(response, HttpStatusCode.BadRequest, HostErrorCodes.InvalidEventData, Log);
        Assert.Contains("Send the data as JSON for GreetRequest", problem.GetProperty("detail").GetString());
        await ServeThrowerTests.Eventually(() => Log.Contains("evt-unbound"));
        Assert.Single(Log.Split('\n'), l => l.Contains("evt-unbound"));
    }

    [Fact]
    public async Task Problem_details_are_readable_json_without_needless_escapes()
    {
        using var response = await Client.SendAsync(Binary("""{"name":"x"}""", specVersion: "0.3"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains("specversion '0.3'", body);
        Assert.DoesNotContain("\\u0027", body);
    }

    [Fact]
    public async Task Empty_data_for_the_poco_is_400()
    {
        using var response = await Client.SendAsync(Binary(""));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "no data");
    }

    [Fact]
    public async Task Malformed_structured_and_batch_bodies_are_400()
    {
        using var notJson = await Client.SendAsync(Structured("""{"specversion":"1.0", """));
        await AssertProblemAsync(notJson, HttpStatusCode.BadRequest, "");
        using var missingType = await Client.SendAsync(Structured("""{"specversion":"1.0","id":"x","source":"/s","data":{}}"""));
        await AssertProblemAsync(missingType, HttpStatusCode.BadRequest, "");
        using var badVersion = await Client.SendAsync(Structured("""{"specversion":"9.9","id":"x","source":"/s","type":"t"}"""));
        await AssertProblemAsync(badVersion, HttpStatusCode.BadRequest, "9.9");
        using var notArray = await Client.SendAsync(Batch(EventJson("x", "{}")));
        await AssertProblemAsync(notArray, HttpStatusCode.BadRequest, "");
        using var empty = await Client.SendAsync(Batch("[]"));
        await AssertProblemAsync(empty, HttpStatusCode.BadRequest, "no events");
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_and_the_host_keeps_serving()
    {
        var name = new string('x', GreeterHost.BodyLimit + 10);
        using var response = await Client.SendAsync(Plain($$"""{"name":"{{name}}"}"""));
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, GreeterHost.BodyLimit.ToString());

        using var small = await Client.SendAsync(Plain("""{"name":"after"}"""));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var content = new PushStreamContentOfUnknownLength(new string('y', GreeterHost.BodyLimit * 2));
        using var response = await Client.PostAsync("", content);
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{response.StatusCode}\n{Log}");
    }

    [Fact]
    public async Task Get_on_the_event_endpoint_is_405()
    {
        using var response = await Client.GetAsync("");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }

    /// <summary>Content without a Content-Length, so it goes out chunked and Kestrel enforces the limit while reading.</summary>
    private sealed class PushStreamContentOfUnknownLength : HttpContent
    {
        private readonly byte[] _bytes;

        public PushStreamContentOfUnknownLength(string text)
        {
            _bytes = System.Text.Encoding.UTF8.GetBytes(text);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
