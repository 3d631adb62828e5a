using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionPackage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The Azure Functions host's side of a custom handler, written from the contract (../shared/design/vendor-contracts.md;
/// azure-functions-host Workers/Http): reads the app's <c>host.json</c>, every <c>&lt;Name&gt;/function.json</c> and
/// <c>local.settings.json</c> (as <c>func start</c> does), starts <c>customHandler.description</c> exactly — its
/// executable (relative to the working directory when it is a file there, else found on PATH), arguments and working
/// directory — with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, waits at most 30 s for it to listen, then invokes: HTTP functions
/// through a Kestrel front end on 127.0.0.1 (payload mode, or the request forwarded as is with
/// <c>enableForwardingHttpRequest</c>), queue and Event Grid functions with payload-mode requests.
/// </summary>
public sealed class FakeAzureFunctionsHost : IAsyncDisposable
{
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    public const string HostVersion = "4.1040.0";

    private readonly Process _handler;
    private readonly List<string> _lines = new();
    private readonly HttpClient _toHandler;
    private WebApplication? _front;

    private FakeAzureFunctionsHost(string appRoot, JsonObject hostJson, Dictionary<string, JsonArray> functions, Process handler, int port)
    {
        AppRoot = appRoot;
        HostJson = hostJson;
        Functions = functions;
        _handler = handler;
        _toHandler = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string AppRoot { get; }
    public JsonObject HostJson { get; }
    /// <summary>Function name → its bindings.</summary>
    public Dictionary<string, JsonArray> Functions { get; }
    /// <summary>From the handler's start to its port accepting a connection.</summary>
    public TimeSpan ListenedAfter { get; private set; }
    /// <summary>The callers' address: <c>http://127.0.0.1:&lt;port&gt;/</c>, HTTP functions at <c>&lt;routePrefix&gt;/&lt;Name&gt;</c>.</summary>
    public HttpClient Callers { get; private set; } = null!;

    public bool Forwarding => HostJson["customHandler"]?["enableForwardingHttpRequest"]?.GetValue<bool>() == true;

    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines); }
    }

    /// <param name="platformHasDotnet">
    /// true: a plan with .NET (this machine's dotnet first on PATH); false: a plan without it — PATH without dotnet, no
    /// DOTNET_* variables and DOTNET_ROOT pointing nowhere, so only a self-contained handler can start.
    /// </param>
    public static async Task<FakeAzureFunctionsHost> StartAsync(string appRoot, bool platformHasDotnet)
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")))!.AsObject();
        Assert.Equal("2.0", hostJson["version"]?.GetValue<string>());
        var description = hostJson["customHandler"]?["description"]?.AsObject() ?? throw new InvalidOperationException("host.json has no customHandler.description");
        var functions = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(appRoot))
        {
            var file = Path.Combine(folder, "function.json");
            if (File.Exists(file)) functions[Path.GetFileName(folder)] = JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray();
        }
        Assert.NotEmpty(functions);

        // As the Functions host: a relative working directory is under the app root; a relative executable is taken from
        // the working directory when it is a file there, else the OS finds it on PATH.
        var workingDirectory = Path.GetFullPath(Path.Combine(appRoot, description["workingDirectory"]?.GetValue<string>() ?? ""));
        var executable = description["defaultExecutablePath"]!.GetValue<string>();
        var inWorkingDirectory = Path.Combine(workingDirectory, executable);
        if (File.Exists(inWorkingDirectory)) executable = inWorkingDirectory;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in description["arguments"]?.AsArray() ?? new JsonArray()) start.ArgumentList.Add(argument!.GetValue<string>());
        foreach (var name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "K_SERVICE", "PORT", "DOTNET_RUNNING_IN_CONTAINER", "AWS_LAMBDA_RUNTIME_API", "FNPKG_HOST_PATH" }) start.Environment.Remove(name);
        if (platformHasDotnet)
        {
            start.Environment["PATH"] = Path.GetDirectoryName(DotNetCli.DotNetPath) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }
        else
        {
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("COREHOST", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
            start.Environment["PATH"] = "/nonexistent-dotnet-free-path";
            start.Environment["DOTNET_ROOT"] = "/nonexistent-dotnet-root";
        }
        var settings = Path.Combine(appRoot, "local.settings.json");
        if (File.Exists(settings))
        {
            var values = JsonNode.Parse(File.ReadAllText(settings))!["Values"]!.AsObject();
            Assert.Equal("custom", values["FUNCTIONS_WORKER_RUNTIME"]?.GetValue<string>());
            foreach (var (name, value) in values) start.Environment[name] = value!.GetValue<string>();
        }
        var port = FreePort();
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString();
        start.Environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString();
        start.Environment["FUNCTIONS_APP_ROOT_PATH"] = appRoot;

        var clock = Stopwatch.StartNew();
        var host = new FakeAzureFunctionsHost(appRoot, hostJson, functions, Process.Start(start)!, port);
        host._handler.OutputDataReceived += (_, e) => host.Collect("out", e.Data);
        host._handler.ErrorDataReceived += (_, e) => host.Collect("err", e.Data);
        host._handler.BeginOutputReadLine();
        host._handler.BeginErrorReadLine();
        if (!await host.WaitForListenAsync(port))
        {
            var output = host.Output;
            await host.DisposeAsync();
            throw new InvalidOperationException($"The custom handler ({executable} {string.Join(' ', start.ArgumentList)}) did not listen on 127.0.0.1:{port} within {StartLimit.TotalSeconds} s.\n{output}");
        }
        host.ListenedAfter = clock.Elapsed;
        await host.StartFrontAsync();
        return host;
    }

    /// <summary>Whether the handler's output shows <paramref name="text"/> within <paramref name="timeout"/>: its logger writes in the background, after the answer.</summary>
    public async Task<bool> OutputShowsAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(100);
        }
        return true;
    }

    private void Collect(string stream, string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add($"[{stream}] {line}");
    }

    private async Task<bool> WaitForListenAsync(int port)
    {
        var deadline = DateTime.UtcNow + StartLimit;
        while (DateTime.UtcNow < deadline && !_handler.HasExited)
        {
            using var socket = new TcpClient();
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        return false;
    }

    private string Type(string function, string direction)
        => Functions[function].First(b => b!["direction"]?.GetValue<string>() == direction)!["type"]!.GetValue<string>();

    private string Binding(string function, Func<JsonNode, bool> which) => Functions[function].First(b => which(b!))!["name"]!.GetValue<string>();

    private string TriggerName(string function) => Binding(function, b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

    /// <summary>The callers' front end: each HTTP function at <c>/&lt;routePrefix&gt;/&lt;Name&gt;</c>.</summary>
    private async Task StartFrontAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _front = builder.Build();
        var prefix = HostJson["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api";
        foreach (var (name, _) in Functions.Where(f => Type(f.Key, "in") == "httpTrigger"))
        {
            var route = "/" + string.Join('/', new[] { prefix, name }.Where(p => p.Length > 0));
            _front.Map(route, context => ServeHttpAsync(name, context));
        }
        await _front.StartAsync();
        Callers = new HttpClient { BaseAddress = new Uri(_front.Urls.First() + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    private async Task ServeHttpAsync(string function, HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var invocationId = Guid.NewGuid().ToString();
        var onlyHttp = Functions[function].All(b => b!["type"]!.GetValue<string>() is "httpTrigger" or "http");
        if (Forwarding && onlyHttp)
        {
            // Forwarded as is: same method, path and query, headers and body, plus the invocation headers; the raw response back.
            using var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
            forwarded.Content = new ByteArrayContent(body.ToArray());
            foreach (var header in request.Headers)
            {
                if (!forwarded.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray())) forwarded.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
            forwarded.Headers.Add("X-Azure-Functions-InvocationId", invocationId);
            using var answer = await _toHandler.SendAsync(forwarded);
            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var header in answer.Content.Headers) context.Response.Headers[header.Key] = header.Value.ToArray();
            await context.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync());
            return;
        }

        var contentType = request.ContentType ?? "";
        var binary = contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) || contentType.Contains("multipart/", StringComparison.OrdinalIgnoreCase);
        var httpRequest = new JsonObject
        {
            ["Url"] = $"http://{request.Host}{request.Path}{request.QueryString}",
            ["Method"] = request.Method,
            ["Query"] = new JsonObject(request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)JsonValue.Create(q.Value.ToString())))),
            ["Headers"] = new JsonObject(request.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)new JsonArray(h.Value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray())))),
            ["Params"] = new JsonObject(),
            ["Identities"] = new JsonArray(),
        };
        if (body.Length > 0) httpRequest["Body"] = binary ? Convert.ToBase64String(body.ToArray()) : Encoding.UTF8.GetString(body.ToArray());
        var (status, result) = await InvokeAsync(function, httpRequest, invocationId);
        if (!((int)status is >= 200 and < 300))
        {
            // A failed invocation: the caller gets 500 (the handler's Logs go to the host's log).
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        var outName = Binding(function, b => b["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "out");
        var response = outName == "$return" ? result.GetProperty("ReturnValue") : result.GetProperty("Outputs").GetProperty(outName);
        context.Response.StatusCode = int.Parse(response.GetProperty("statusCode").GetString()!);
        if (response.TryGetProperty("headers", out var headers))
        {
            foreach (var header in headers.EnumerateObject()) context.Response.Headers[header.Name] = header.Value.GetString();
        }
        if (response.TryGetProperty("body", out var responseBody)) await context.Response.WriteAsync(responseBody.GetString()!);
    }

    /// <summary>A queue message as the Functions host passes a string input: serialized into JSON text first (JsonConvert.SerializeObject).</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> EnqueueAsync(string function, string message)
    {
        Assert.Equal("queueTrigger", Type(function, "in"));
        return InvokeAsync(function, JsonValue.Create(JsonSerializer.Serialize(message)), Guid.NewGuid().ToString(),
            new JsonObject { ["DequeueCount"] = 1, ["Id"] = Guid.NewGuid().ToString() });
    }

    /// <summary>An Event Grid event (CloudEvents schema or Event Grid schema): the object itself.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> PublishEventAsync(string function, string eventJson)
    {
        Assert.Equal("eventGridTrigger", Type(function, "in"));
        return InvokeAsync(function, JsonNode.Parse(eventJson), Guid.NewGuid().ToString());
    }

    /// <summary>A payload-mode invocation: <c>POST /&lt;Name&gt;</c>, <c>{"Data":{&lt;trigger&gt;:value},"Metadata":{…,"sys":{…}}}</c>.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(string function, JsonNode? value, string invocationId, JsonObject? metadata = null)
    {
        metadata ??= new JsonObject();
        metadata["sys"] = new JsonObject { ["MethodName"] = function, ["UtcNow"] = DateTime.UtcNow.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() };
        var payload = new JsonObject { ["Data"] = new JsonObject { [TriggerName(function)] = value }, ["Metadata"] = metadata };
        using var request = new HttpRequestMessage(HttpMethod.Post, function) { Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", invocationId);
        request.Headers.Add("X-Azure-Functions-HostVersion", HostVersion);
        using var answer = await _toHandler.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"POST /{function} answered {(int)answer.StatusCode} without a body\n{Output}");
        return (answer.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Callers?.Dispose();
        _toHandler.Dispose();
        if (_front is not null) await _front.DisposeAsync();
        if (!_handler.HasExited)
        {
            try { _handler.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _handler.WaitForExitAsync();
        }
        _handler.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
