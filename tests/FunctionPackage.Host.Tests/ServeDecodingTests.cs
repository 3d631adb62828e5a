using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FunctionPackage.Host.Tests.Support;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// Charsets other than UTF-8 and event formats other than JSON are 415 problems with a code, logged without a stack
/// trace — never a bare 500, never decoded as something they are not.
/// </summary>
public sealed class ServeDecodingTests : IClassFixture<EventEchoHost>
{
    private readonly EventEchoHost _fixture;

    public ServeDecodingTests(EventEchoHost fixture) => _fixture = fixture;

    public static TheoryData<string, string> UnsupportedCharsets => new()
    {
        { "structured", "application/cloudevents+json; charset=utf-7" },
        { "batch", "application/cloudevents-batch+json; charset=utf-7" },
        { "binary", "application/json; charset=utf-7" },
        { "binary", "text/plain; charset=utf-16" },
        { "plain", "application/json; charset=iso-8859-1" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedCharsets))]
    public async Task A_charset_other_than_utf8_is_415_FPKG4011_logged_without_a_stack(string mode, string contentType)
    {
        var json = mode switch
        {
            "structured" => EventJson("cs-1", "\"x\""),
            "batch" => $"[{EventJson("cs-1", "\"x\"")}]",
            _ => "\"x\"",
        };
        using var request = mode == "binary" ? Binary(json, contentType: contentType) : Plain(json);
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await _fixture.Client.SendAsync(request);

        await ServeLimitAssertions.AssertCodedProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "FPKG4011", _fixture.Host.Output);
        await AssertLoggedWithoutStackAsync("FPKG4011");
    }

    [Theory]
    [InlineData("application/cloudevents+xml")]
    [InlineData("application/cloudevents-batch+xml")]
    [InlineData("application/cloudevents+avro")]
    public async Task An_event_format_other_than_json_is_415_FPKG4012_not_decoded_as_json(string contentType)
    {
        // Valid JSON inside, so decoding it as JSON would "work": the media type alone must decide.
        using var response = await PostAsync(contentType, EventJson("xml-1", "\"x\""));

        await ServeLimitAssertions.AssertCodedProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "FPKG4012", _fixture.Host.Output);
        await AssertLoggedWithoutStackAsync("FPKG4012");
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=UTF-8")]
    [InlineData("application/cloudevents+json; charset=\"utf-8\"")]
    [InlineData("application/cloudevents+json")]
    public async Task Utf8_in_any_spelling_or_no_charset_is_still_decoded(string contentType)
    {
        using var response = await PostAsync(contentType, EventJson("ok-1", "\"x\""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{await response.Content.ReadAsStringAsync()}\n{_fixture.Host.Output}");
    }

    private Task<HttpResponseMessage> PostAsync(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return _fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "") { Content = content });
    }

    private async Task AssertLoggedWithoutStackAsync(string code)
    {
        await ServeThrowerTests.Eventually(() => _fixture.Host.Output.Contains(code, StringComparison.Ordinal));
        var log = _fixture.Host.Output;
        Assert.DoesNotContain("fail:", log);
        Assert.DoesNotContain("crit:", log);
        Assert.DoesNotContain("   at ", log);
    }
}
