using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FunctionPackage.Host.Tests;

internal static class HttpTestRequests
{
    public static HttpRequestMessage Plain(string json, string contentType = "application/json")
        => new(HttpMethod.Post, "") { Content = new StringContent(json, Encoding.UTF8, contentType) };

    /// <summary>CloudEvents HTTP binary mode: attributes in ce-* headers, data in the body.</summary>
    public static HttpRequestMessage Binary(string data, string type = "com.example.greet", string id = "evt-1",
        string source = "/tests", string specVersion = "1.0", string? contentType = "application/json", params (string Name, string Value)[] extra)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(data)) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("ce-specversion", specVersion);
        if (id.Length > 0) request.Headers.Add("ce-id", id);
        if (source.Length > 0) request.Headers.Add("ce-source", source);
        if (type.Length > 0) request.Headers.Add("ce-type", type);
        foreach (var (name, value) in extra) request.Headers.Add(name, value);
        return request;
    }

    public static HttpRequestMessage Structured(string eventJson)
    {
        var content = new StringContent(eventJson, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/cloudevents+json; charset=utf-8");
        return new HttpRequestMessage(HttpMethod.Post, "") { Content = content };
    }

    public static HttpRequestMessage Batch(string batchJson)
    {
        var content = new StringContent(batchJson, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/cloudevents-batch+json; charset=utf-8");
        return new HttpRequestMessage(HttpMethod.Post, "") { Content = content };
    }

    /// <summary>A structured-mode event as JSON text; <paramref name="dataJson"/> is inserted verbatim.</summary>
    public static string EventJson(string id, string dataJson, string type = "com.example.greet", string source = "/tests")
        => $$"""{"specversion":"1.0","id":{{JsonSerializer.Serialize(id)}},"source":{{JsonSerializer.Serialize(source)}},"type":{{JsonSerializer.Serialize(type)}},"datacontenttype":"application/json","data":{{dataJson}}}""";

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement;
    }

    public static string Header(this HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
