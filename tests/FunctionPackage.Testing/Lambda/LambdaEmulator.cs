using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Testing.Lambda;

/// <summary>How the emulated Lambda function is configured (what <c>aws lambda create-function</c> would set).</summary>
public sealed record LambdaEmulatorOptions
{
    /// <summary>The function timeout: each invocation's <c>Lambda-Runtime-Deadline-Ms</c> is its start plus this.</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public string FunctionName { get; init; } = "function";
    public int MemorySizeMb { get; init; } = 512;
    public string Region { get; init; } = "us-east-1";
}

/// <summary>What the emulator's invoke endpoint answered: the result, or the error JSON with <c>X-Amz-Function-Error</c>.</summary>
public sealed record LambdaInvokeResult(HttpStatusCode StatusCode, string Body, string? FunctionError);

/// <summary>One invocation as the runtime saw and answered it.</summary>
public sealed record LambdaInvocation(string RequestId, string TraceId)
{
    /// <summary>Set when the runtime receives it (<c>next</c>): the function timeout counts from there, not from the invoke.</summary>
    public long DeadlineMs { get; internal set; }
    /// <summary><c>response</c> or <c>error</c> (null while unanswered), the posted body and its <c>Lambda-Runtime-Function-Error-Type</c>.</summary>
    public string? Kind { get; internal set; }
    public string? Body { get; internal set; }
    public string? ErrorType { get; internal set; }
    internal TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A Lambda execution environment written from the contract (AWS docs "Lambda runtime API", "Runtime environment";
/// ../shared/design/vendor-contracts.md), on 127.0.0.1 with Kestrel, as the runtime interface emulator plays it:
/// <list type="bullet">
/// <item>the Runtime API at <c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01</c>: <c>GET /runtime/invocation/next</c> (waits
/// for an invocation; answers its payload with <c>Lambda-Runtime-Aws-Request-Id</c>, <c>-Deadline-Ms</c> (now + the
/// function timeout), <c>-Invoked-Function-Arn</c>, <c>-Trace-Id</c>), <c>POST /runtime/invocation/{id}/response|error</c>
/// (202; an unknown or already answered id 400), <c>POST /runtime/init/error</c> (202);</item>
/// <item>the invoke endpoint <c>POST /2015-03-31/functions/function/invocations</c>: body = event; answers 200 with the
/// result, or with the error JSON and <c>X-Amz-Function-Error: Unhandled</c>; after an init error, that error; when the
/// runtime has not answered by the deadline (+1 s), <c>Sandbox.Timedout</c> as Lambda reports it.</item>
/// </list>
/// <see cref="Configure"/> gives a runtime process the environment Lambda gives it.
/// </summary>
public sealed class LambdaEmulator : IAsyncDisposable
{
    public const string InvokePath = "/2015-03-31/functions/function/invocations";
    private const string Api = "/2018-06-01/runtime";
    /// <summary>How long the emulator waits for a runtime to take its first invocation (Lambda's init phase: 10 s; generous for a loaded test machine).</summary>
    private static readonly TimeSpan InitLimit = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly LambdaEmulatorOptions _options;
    private readonly Channel<(LambdaInvocation Invocation, string Payload)> _pending = Channel.CreateUnbounded<(LambdaInvocation, string)>();
    private readonly ConcurrentDictionary<string, LambdaInvocation> _invocations = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };
    private int _nextCalls;

    private LambdaEmulator(WebApplication app, LambdaEmulatorOptions options)
    {
        _app = app;
        _options = options;
    }

    public static async Task<LambdaEmulator> StartAsync(LambdaEmulatorOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var emulator = new LambdaEmulator(app, options ?? new LambdaEmulatorOptions());
        emulator.Map(app);
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.Single()
            : throw new InvalidOperationException("no server");
        emulator.BaseAddress = new Uri(address);
        return emulator;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><c>host:port</c>, what <c>AWS_LAMBDA_RUNTIME_API</c> carries.</summary>
    public string RuntimeApi => BaseAddress.Authority;

    public string FunctionArn => $"arn:aws:lambda:{_options.Region}:123456789012:function:{_options.FunctionName}";

    /// <summary>How often the runtime asked for an invocation.</summary>
    public int NextCalls => Volatile.Read(ref _nextCalls);

    /// <summary>Completes with the body the runtime posted to <c>/runtime/init/error</c>.</summary>
    public Task<string> InitError => _initError.Task;

    public IReadOnlyCollection<LambdaInvocation> Invocations => _invocations.Values.ToList();

    /// <summary>
    /// The environment Lambda gives the runtime process (AWS docs "Defined runtime environment variables"), its working
    /// directory the task root. <paramref name="handler"/> is the function's handler setting (<c>_HANDLER</c>).
    /// </summary>
    public ProcessStartInfo Configure(ProcessStartInfo start, string taskRoot, string handler, string executionEnvironment)
    {
        start.WorkingDirectory = taskRoot;
        var environment = start.Environment;
        environment["AWS_LAMBDA_RUNTIME_API"] = RuntimeApi;
        environment["LAMBDA_TASK_ROOT"] = taskRoot;
        environment["LAMBDA_RUNTIME_DIR"] = "/var/runtime";
        environment["_HANDLER"] = handler;
        environment["AWS_EXECUTION_ENV"] = executionEnvironment;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = _options.FunctionName;
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = _options.MemorySizeMb.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + _options.FunctionName;
        environment["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/01/01/[$LATEST]0123456789abcdef";
        environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        environment["AWS_REGION"] = _options.Region;
        environment["AWS_DEFAULT_REGION"] = _options.Region;
        environment["TZ"] = ":UTC";
        environment["LANG"] = "en_US.UTF-8";
        return start;
    }

    /// <summary>POSTs <paramref name="payload"/> to the invoke endpoint, as <c>aws lambda invoke</c> against the emulator would.</summary>
    public async Task<LambdaInvokeResult> InvokeAsync(string payload, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri(BaseAddress, InvokePath), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new LambdaInvokeResult(response.StatusCode, body,
            response.Headers.TryGetValues("X-Amz-Function-Error", out var error) ? error.Single() : null);
    }

    private void Map(WebApplication app)
    {
        app.MapPost(InvokePath, InvokeEndpointAsync);
        app.MapGet(Api + "/invocation/next", NextAsync);
        app.MapPost(Api + "/invocation/{id}/{kind}", PostAnswerAsync);
        app.MapPost(Api + "/init/error", async context =>
        {
            _initError.TrySetResult(await ReadBodyAsync(context.Request));
            await WriteAsync(context.Response, 202, """{"status":"OK"}""");
        });
    }

    private async Task InvokeEndpointAsync(HttpContext context)
    {
        var payload = await ReadBodyAsync(context.Request);
        if (_initError.Task.IsCompleted)
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            await WriteAsync(context.Response, 200, _initError.Task.Result);
            return;
        }
        var trace = context.Request.Headers["X-Amzn-Trace-Id"].FirstOrDefault()
            ?? $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid():N}"[..35] + ";Parent=" + Guid.NewGuid().ToString("N")[..16] + ";Sampled=0";
        var invocation = new LambdaInvocation(Guid.NewGuid().ToString(), trace);
        _invocations[invocation.RequestId] = invocation;
        _pending.Writer.TryWrite((invocation, payload));

        // Init (the runtime starting) has a limit of its own, 10 s in Lambda; then the function timeout from the
        // hand-over, plus a second for the runtime's own timeout report to arrive. An init error ends the wait too.
        var limit = InitLimit + _options.FunctionTimeout + TimeSpan.FromSeconds(1);
        var waited = await Task.WhenAny(invocation.Answered.Task, _initError.Task, Task.Delay(limit, context.RequestAborted));
        if (waited == invocation.Answered.Task)
        {
            if (invocation.Kind == "error") context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            await WriteAsync(context.Response, 200, invocation.Body ?? "");
        }
        else if (waited == _initError.Task)
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            await WriteAsync(context.Response, 200, _initError.Task.Result);
        }
        else
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            await WriteAsync(context.Response, 200, $$"""{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after {{_options.FunctionTimeout.TotalSeconds:0.00}} seconds"}""");
        }
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        (LambdaInvocation Invocation, string Payload) next;
        try
        {
            next = await _pending.Reader.ReadAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // the runtime went away (or the emulator stops)
        }
        next.Invocation.DeadlineMs = DateTimeOffset.UtcNow.Add(_options.FunctionTimeout).ToUnixTimeMilliseconds();
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = next.Invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = next.Invocation.DeadlineMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = FunctionArn;
        headers["Lambda-Runtime-Trace-Id"] = next.Invocation.TraceId;
        await WriteAsync(context.Response, 200, next.Payload);
    }

    private async Task PostAnswerAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        var kind = (string)context.Request.RouteValues["kind"]!;
        var body = await ReadBodyAsync(context.Request);
        if (kind is not ("response" or "error") || !_invocations.TryGetValue(id, out var invocation) || invocation.Kind is not null)
        {
            await WriteAsync(context.Response, 400, $$"""{"errorMessage":"Invalid request ID {{id}} or answer {{kind}}","errorType":"InvalidRequestID"}""");
            return;
        }
        lock (invocation)
        {
            if (invocation.Kind is null)
            {
                invocation.Kind = kind;
                invocation.Body = body;
                invocation.ErrorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault();
            }
        }
        invocation.Answered.TrySetResult();
        await WriteAsync(context.Response, 202, """{"status":"OK"}""");
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task WriteAsync(HttpResponse response, int status, string body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _pending.Writer.TryComplete();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>A runtime process started in a Lambda environment: its output captured, killed (tree) on dispose.</summary>
public sealed class LambdaRuntimeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LambdaRuntimeProcess(Process process) => _process = process;

    public static LambdaRuntimeProcess Start(ProcessStartInfo start)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = new Process { StartInfo = start };
        var runtime = new LambdaRuntimeProcess(process);
        process.OutputDataReceived += (_, e) => runtime.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => runtime.Append("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runtime;
    }

    private void Append(string stream, string? line)
    {
        if (line is null) return;
        lock (_output) _output.Append(stream).Append(": ").AppendLine(line);
    }

    /// <summary>Everything the runtime printed so far (stdout and stderr lines, marked), for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
