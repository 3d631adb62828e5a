using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace FunctionPackage.Host.Tests.Protocols;

/// <summary>What the runtime posted for one invocation (or init): its path kind, body and error-type header.</summary>
internal sealed record LambdaPost(string Kind, string Body, string? ErrorType);

/// <summary>
/// A Lambda Runtime API written from the contract (docs: "Lambda runtime API"; /work/shared/design/vendor-contracts.md), on
/// 127.0.0.1: <c>GET /2018-06-01/runtime/invocation/next</c> waits for an event a test enqueues and answers it with the
/// Lambda-Runtime-* headers; <c>POST …/invocation/{id}/response|error</c> and <c>…/init/error</c> answer 202 and are recorded.
/// </summary>
internal sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<(string Id, string Body, Dictionary<string, string> Headers)> _events = Channel.CreateUnbounded<(string, string, Dictionary<string, string>)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<LambdaPost>> _posts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public FakeLambdaRuntimeApi()
    {
        var port = FreePort();
        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://{Address}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>host:port, as AWS_LAMBDA_RUNTIME_API carries it.</summary>
    public string Address { get; }

    public int NextCalls;

    /// <summary>Queues one event for the next <c>next</c> call; the task completes with what the runtime posted for it.</summary>
    public Task<LambdaPost> InvokeAsync(string body, TimeSpan? deadlineIn = null, string? traceId = null)
    {
        var id = Guid.NewGuid().ToString();
        var headers = new Dictionary<string, string>
        {
            ["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.Add(deadlineIn ?? TimeSpan.FromSeconds(30)).ToUnixTimeMilliseconds().ToString(),
            ["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:greeter",
        };
        if (traceId is not null) headers["Lambda-Runtime-Trace-Id"] = traceId;
        var posted = Expect(id);
        _events.Writer.TryWrite((id, body, headers));
        return posted;
    }

    /// <summary>What the runtime posts to <c>/runtime/init/error</c>.</summary>
    public Task<LambdaPost> InitError => Expect("init");

    private Task<LambdaPost> Expect(string key) => _posts.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        try
        {
            if (request.HttpMethod == "GET" && path == "/2018-06-01/runtime/invocation/next")
            {
                Interlocked.Increment(ref NextCalls);
                var (id, body, headers) = await _events.Reader.ReadAsync(_stop.Token);
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = id;
                foreach (var (name, value) in headers) response.Headers[name] = value;
                await Write(response, 200, body);
                return;
            }
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var posted = await reader.ReadToEndAsync();
            var errorType = request.Headers["Lambda-Runtime-Function-Error-Type"];
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // 2018-06-01 runtime invocation {id} response
            if (request.HttpMethod == "POST" && path == "/2018-06-01/runtime/init/error")
            {
                _posts.GetOrAdd("init", _ => new()).TrySetResult(new LambdaPost("init/error", posted, errorType));
                await Write(response, 202, "{\"status\":\"OK\"}");
            }
            else if (request.HttpMethod == "POST" && segments is ["2018-06-01", "runtime", "invocation", var id, ("response" or "error") and var kind]
                     && _posts.TryGetValue(id, out var waiting) && waiting.TrySetResult(new LambdaPost(kind, posted, errorType)))
            {
                await Write(response, 202, "{\"status\":\"OK\"}");
            }
            else
            {
                // An unknown id or one answered twice: the real API refuses it too.
                await Write(response, 400, "{\"errorMessage\":\"unexpected " + request.HttpMethod + " " + path + "\",\"errorType\":\"InvalidRequestID\"}");
            }
        }
        catch (OperationCanceledException)
        {
            response.Abort();
        }
    }

    private static async Task Write(HttpListenerResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Close();
        try { await _serving; } catch (ObjectDisposedException) { }
        _stop.Dispose();
    }
}
