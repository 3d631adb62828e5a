using FunctionPackage.Host.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using CloudNative.CloudEvents;
using FunctionPackage.Host.Invocation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Protocols.LambdaRuntimeApi;

/// <summary>
/// The AWS Lambda Runtime API client (<c>serve --protocol aws-lambda</c>): loads the function, then loops
/// <c>GET /2018-06-01/runtime/invocation/next</c> → the <see cref="InvocationPipeline"/> → <c>POST …/{id}/response</c>
/// or <c>…/{id}/error</c>; a load failure is posted to <c>/runtime/init/error</c>. Invocations run one at a time, each
/// bounded by its <c>Lambda-Runtime-Deadline-Ms</c> (and --invocation-timeout, when shorter).
/// </summary>
public sealed class LambdaRuntimeClient : IDisposable
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";
    public const string EventType = "com.amazonaws.lambda.invoke";
    public const string EventSource = "urn:functionpackage:aws-lambda";
    /// <summary>FPKG4050's fix on Lambda (the pipeline's <c>dataFix</c>).</summary>
    public const string DataFix = "Invoke the Lambda function with a payload of";

    private const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    private const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    private const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    private const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private static readonly Uri DefaultSource = new(EventSource);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly string _apiAddress;
    private readonly ILogger _logger;

    private LambdaRuntimeClient(string apiAddress, ILogger logger)
    {
        _apiAddress = apiAddress;
        _logger = logger;
        // The next call waits for an event as long as Lambda keeps the instance: no client timeout (the contract's rule).
        _http = new HttpClient { BaseAddress = new Uri($"http://{apiAddress}/2018-06-01/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _http.Dispose();

    public static async Task<int> RunAsync(ServeOptions options, CancellationToken stopping)
    {
        // Synchronous lines on stderr (CloudWatch reads them), without the console logger's hosting stack.
        using var loggers = new LineLoggerProvider();
        var logger = loggers.CreateLogger("FunctionPackage.Host");
        var apiAddress = Environment.GetEnvironmentVariable(RuntimeApiVariable);
        if (!IsHostAndPort(apiAddress))
        {
            logger.LogError("{Message}", HostDiagnostics.Message(HostErrorCodes.LambdaRuntimeApiNotSet, apiAddress ?? "(unset)"));
            return ExitCodes.LoadFailed;
        }
        // SIGTERM (Lambda's shutdown, a container stop) and Ctrl+C end the loop cleanly: no generic host here handles them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var client = new LambdaRuntimeClient(apiAddress!, logger);
        try
        {
            return await client.ServeAsync(options, stop.Token);
        }
        catch (HttpRequestException ex)
        {
            // Lambda's side went away (or was never there): nothing can answer, so the host ends and Lambda restarts it.
            logger.LogError("{Message}", HostDiagnostics.Message(HostErrorCodes.LambdaRuntimeApiFailed, apiAddress, ex.Message));
            return ExitCodes.LoadFailed;
        }

        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }

    private async Task<int> ServeAsync(ServeOptions options, CancellationToken stopping)
    {
        InstalledFunction function;
        try
        {
            function = InstalledFunction.Load(options.FunctionDirectory, _logger, enterFunctionFolder: true);
        }
        catch (FunctionHostException ex)
        {
            var message = $"{ex.Code}: {ex.Message}";
            _logger.LogError("{Message}", message);
            await PostErrorAsync("runtime/init/error", LambdaError.Coded(ex.Code, message), stopping);
            return ExitCodes.LoadFailed;
        }
        using (function)
        {
            var pipeline = new InvocationPipeline(function.Invoker, options.InvocationTimeout, options.MaxConcurrentInvocations, _logger, DataFix);
            _logger.LogInformation("Serving {Id} {Version} over the Lambda Runtime API at {Api}.", function.Manifest.Id, function.Manifest.Version, _apiAddress);
            try
            {
                while (true) await InvokeNextAsync(pipeline, options.InvocationTimeout, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
        }
    }

    /// <summary>One turn of the loop: the next event, its invocation, its answer.</summary>
    private async Task InvokeNextAsync(InvocationPipeline pipeline, TimeSpan hostTimeout, CancellationToken stopping)
    {
        using var next = await _http.GetAsync("runtime/invocation/next", stopping);
        if (next.StatusCode != HttpStatusCode.OK || Header(next, RequestIdHeader) is not { Length: > 0 } requestId)
        {
            throw new HttpRequestException($"GET runtime/invocation/next answered {(int)next.StatusCode} {(next.IsSuccessStatusCode ? $"without {RequestIdHeader}" : next.ReasonPhrase)}");
        }
        var body = await next.Content.ReadAsByteArrayAsync(stopping);

        // The X-Ray trace id reaches the function (and the AWS SDK inside it) as Lambda's runtimes pass it: this variable.
        Environment.SetEnvironmentVariable(TraceIdVariable, Header(next, TraceIdHeader));
        var (limit, deadlineFirst) = Limit(Header(next, DeadlineHeader), hostTimeout);
        var source = Uri.TryCreate(Header(next, FunctionArnHeader), UriKind.Absolute, out var arn) ? arn : DefaultSource;
        var functionEvent = new FunctionEvent(new CloudEvent { Id = requestId, Source = source, Type = EventType, DataContentType = "application/json" }, body);

        var outcome = await pipeline.InvokeAsync(functionEvent, stopping, limit);
        if (LambdaOutcomes.ToError(outcome, deadlineFirst, limit) is { } error)
        {
            await PostErrorAsync($"runtime/invocation/{requestId}/error", error, stopping);
        }
        else if (outcome.IsResult)
        {
            var result = pipeline.HasResult ? pipeline.SerializeResult(outcome.Result) : Array.Empty<byte>();
            await PostAsync($"runtime/invocation/{requestId}/response", result, null, stopping);
        }
    }

    /// <summary>This invocation's bound from <c>Lambda-Runtime-Deadline-Ms</c>: <see cref="InvocationDeadline.Limit"/>.</summary>
    internal static (TimeSpan Limit, bool DeadlineFirst) Limit(string? deadlineMs, TimeSpan hostTimeout) => InvocationDeadline.Limit(deadlineMs, hostTimeout);

    private Task PostErrorAsync(string path, LambdaError error, CancellationToken stopping)
        => PostAsync(path, error.ToJson(), error.HeaderType, stopping);

    private async Task PostAsync(string path, byte[] body, string? errorType, CancellationToken stopping)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null) request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        using var answer = await _http.SendAsync(request, stopping);
        // Refused (e.g. 413 for a result over Lambda's limit, or an id already answered): that invocation is lost, the next one is not.
        if (!answer.IsSuccessStatusCode)
        {
            _logger.LogWarning("{Message}", HostDiagnostics.Message(HostErrorCodes.LambdaRuntimeApiFailed, _apiAddress, $"POST {path} answered {(int)answer.StatusCode} {answer.ReasonPhrase}"));
        }
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary><c>AWS_LAMBDA_RUNTIME_API</c> is <c>host:port</c> (e.g. 127.0.0.1:9001), nothing else.</summary>
    private static bool IsHostAndPort(string? value)
        => !string.IsNullOrWhiteSpace(value) && Uri.TryCreate($"http://{value}", UriKind.Absolute, out var uri)
           && uri.PathAndQuery == "/" && uri.Fragment.Length == 0 && value.Contains(':') && !value.Contains('@');
}
