using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// <c>fnpkg run &lt;package&gt; --root … --urls http://127.0.0.1:&lt;free port&gt;</c>, ready once <c>GET /healthz</c>
/// answers 200, plus the CloudEvents HTTP requests the tests send. Dispose kills fnpkg and the host if still running.
/// </summary>
public sealed class ServedFunction : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly CliProcess _process;

    private ServedFunction(CliProcess process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    /// <summary>What fnpkg and the host printed so far (the host inherits fnpkg's stdout and stderr).</summary>
    public string Log => _process.Log;

    /// <param name="options">More options for <c>fnpkg run</c> (<c>--isolated</c>, <c>--env</c>…).</param>
    public static async Task<ServedFunction> StartAsync(string workingDirectory, string package, string root, IEnumerable<string> sources,
        IEnumerable<string>? options = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var baseUrl = $"http://127.0.0.1:{FreePort()}";
            var args = new List<string> { "run", package, "--root", root };
            foreach (var source in sources) args.AddRange(new[] { "--source", source });
            args.AddRange(options ?? Array.Empty<string>());
            args.AddRange(new[] { "--urls", baseUrl });
            var server = new ServedFunction(Fnpkg.Start(workingDirectory, args), baseUrl);
            try
            {
                if (await server.WaitUntilHealthyAsync()) return server;
                // The free port was taken by someone else between probing and binding: try another one.
                var log = server.Log;
                Assert.True(attempt < 3 && log.Contains("address already in use", StringComparison.OrdinalIgnoreCase),
                    $"fnpkg run exited before the function became healthy.\n{log}");
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    /// <summary>True once <c>GET /healthz</c> answers 200; false when fnpkg exited first.</summary>
    private async Task<bool> WaitUntilHealthyAsync()
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(TimeSpan.FromSeconds(10)); // drains its output for the message
                return false;
            }
            try
            {
                using var response = await probe.GetAsync(BaseUrl + "/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: fnpkg is installing or the host is loading the function.
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        Assert.Fail($"GET {BaseUrl}/healthz did not answer 200 within {StartTimeout}.\n{_process.Log}");
        return false;
    }

    /// <summary>The command lines of fnpkg's child processes now (Linux <c>/proc</c>): a host it started, or none.</summary>
    public IReadOnlyList<string> ChildProcesses()
    {
        var children = new List<string>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            foreach (var pid in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                children.Add(File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim());
            }
        }
        return children;
    }

    /// <summary>The files fnpkg's process has mapped now (Linux <c>/proc/&lt;pid&gt;/maps</c>): the assemblies it loaded.</summary>
    public IReadOnlyList<string> MappedFiles() =>
        File.ReadAllLines($"/proc/{_process.Id}/maps").Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/')).Select(fields => fields[5]).Distinct().ToList();

    /// <summary>
    /// SIGTERM to fnpkg, which forwards it to the host: asserts both stop, fnpkg with exit code 0, and the port closes.
    /// </summary>
    public async Task StopAsync()
    {
        _process.Terminate();
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(60)), $"fnpkg run did not exit within 60 s of SIGTERM.\n{_process.Log}");
        var run = _process.Result();
        Assert.True(run.ExitCode == 0, $"fnpkg run did not stop cleanly on SIGTERM.\n{run.Log}");
        // fnpkg waits for the host before it exits, so nothing may listen any more.
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => probe.GetAsync(BaseUrl + "/healthz"));
    }

    /// <summary>Binary mode: attributes in <c>ce-*</c> headers, the data as the body.</summary>
    public async Task<CloudEventReply> PostBinaryAsync(string type, string source, string data)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = Json(data, "application/json") };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", Guid.NewGuid().ToString());
        request.Headers.Add("ce-type", type);
        request.Headers.Add("ce-source", source);
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Binary-mode POST answered {(int)response.StatusCode}: {body}\n{Log}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return new CloudEventReply(
            Header(response, "ce-specversion"), Header(response, "ce-id"), Header(response, "ce-type"), Header(response, "ce-source"),
            JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>Structured mode: one <c>application/cloudevents+json</c> event.</summary>
    public async Task<CloudEventReply> PostStructuredAsync(string type, string source, string data)
    {
        using var response = await Client.PostAsync("/", Json(StructuredEvent(type, source, data), "application/cloudevents+json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Structured-mode POST answered {(int)response.StatusCode}: {body}\n{Log}");
        Assert.Equal("application/cloudevents+json", response.Content.Headers.ContentType?.MediaType);
        return CloudEventReply.FromStructured(JsonDocument.Parse(body).RootElement);
    }

    /// <summary>Batch mode: an <c>application/cloudevents-batch+json</c> array; the replies in order.</summary>
    public async Task<IReadOnlyList<CloudEventReply>> PostBatchAsync(string type, params (string Source, string Data)[] events)
    {
        var batch = "[" + string.Join(",", events.Select(e => StructuredEvent(type, e.Source, e.Data))) + "]";
        using var response = await Client.PostAsync("/", Json(batch, "application/cloudevents-batch+json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Batch POST answered {(int)response.StatusCode}: {body}\n{Log}");
        Assert.Equal("application/cloudevents-batch+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        return document.RootElement.EnumerateArray().Select(CloudEventReply.FromStructured).ToList();
    }

    /// <summary>A plain <c>application/json</c> POST: the body is the data, the answer is the bare result.</summary>
    public async Task<JsonElement> PostPlainJsonAsync(string data)
    {
        using var response = await Client.PostAsync("/", Json(data, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Plain JSON POST answered {(int)response.StatusCode}: {body}\n{Log}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("ce-specversion"), "A plain request must get a plain answer, not a binary-mode event.");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string StructuredEvent(string type, string source, string data)
        => $$"""{"specversion":"1.0","id":"{{Guid.NewGuid()}}","type":"{{type}}","source":"{{source}}","datacontenttype":"application/json","data":{{data}}}""";

    private static StringContent Json(string body, string mediaType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        Client.Dispose();
        _process.Dispose();
    }
}

/// <summary>One response event: its attributes and its data.</summary>
public sealed record CloudEventReply(string? SpecVersion, string? Id, string? Type, string? Source, JsonElement Data)
{
    public static CloudEventReply FromStructured(JsonElement element)
    {
        string? Attribute(string name) => element.TryGetProperty(name, out var value) ? value.GetString() : null;
        Assert.True(element.TryGetProperty("data", out var data), $"The response event has no data: {element}");
        return new CloudEventReply(Attribute("specversion"), Attribute("id"), Attribute("type"), Attribute("source"), data.Clone());
    }

    /// <summary>The host's rules: specversion 1.0, a new id, type = request type + <c>.response</c>, source = the function.</summary>
    public void AssertResponseTo(string requestType, PublishedFunction function)
    {
        Assert.Equal("1.0", SpecVersion);
        Assert.False(string.IsNullOrEmpty(Id), "The response event has no id.");
        Assert.Equal(requestType + ".response", Type);
        Assert.Equal(function.ResponseSource, Source);
    }
}
