using System.Net.Mime;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host;

/// <summary>How an HTTP request carries its event(s), and so how the response carries the result(s).</summary>
public enum RequestMode
{
    /// <summary>No CloudEvent: the body is the data, the response body is the result.</summary>
    Plain,
    /// <summary>CloudEvents HTTP binary mode: <c>ce-*</c> headers, body = data.</summary>
    Binary,
    /// <summary><c>application/cloudevents+json</c>.</summary>
    Structured,
    /// <summary><c>application/cloudevents-batch+json</c>.</summary>
    Batch,
}

/// <summary>
/// <c>POST /</c>: decodes the CloudEvent(s), invokes the function under the invocation timeout and the concurrency bound,
/// and encodes the result in the request's mode. Faults become <c>application/problem+json</c>: 400 undecodable event
/// or data, 413 body over the limit, 415 a charset or event format the host does not decode, 500 the function threw,
/// 503 too many invocations running, 504 the invocation timed out.
/// </summary>
public sealed class FunctionRequestHandler
{
    /// <summary>Event type of plain (non-CloudEvents) HTTP requests.</summary>
    public const string PlainRequestType = "functionpackage.http.request";
    /// <summary>Event source of plain (non-CloudEvents) HTTP requests.</summary>
    public const string PlainRequestSource = "urn:functionpackage:http";
    internal static readonly Uri PlainRequestSourceUri = new(PlainRequestSource);
    /// <summary>Appended to the request event's type to form the response event's type.</summary>
    public const string ResponseTypeSuffix = ".response";

    private const string JsonContentType = "application/json";
    private const string ProblemContentType = "application/problem+json";
    private const string SpecVersionHeader = "ce-specversion";
    private const string StructuredMediaType = "application/cloudevents+json";
    private const string BatchMediaType = "application/cloudevents-batch+json";
    /// <summary>Retry-After of a 503: invocations usually finish within a second or so.</summary>
    private const int BusyRetryAfterSeconds = 1;
    /// <summary>FPKG4050's fix over HTTP; <c>invoke</c> names its <c>--data</c> option instead.</summary>
    public const string HttpDataFix = "Send the data as";

    private static readonly JsonEventFormatter Formatter = new();

    private readonly InstalledFunction _function;
    private readonly FunctionInvoker _invoker;
    private readonly string _source;
    private readonly long _maxBodyBytes;
    private readonly TimeSpan _timeout;
    private readonly int _maxConcurrent;
    private readonly ILogger _logger;
    private readonly string _dataFix;
    private int _running;

    /// <summary>
    /// <paramref name="maxConcurrentInvocations"/>: invocations that may run at once (0 = no bound); more get 503.
    /// <paramref name="dataFix"/>: how the caller supplies event data, the start of FPKG4050's fix ("Send the data as").
    /// </summary>
    public FunctionRequestHandler(InstalledFunction function, long maxBodyBytes, TimeSpan invocationTimeout, int maxConcurrentInvocations, ILogger logger,
        string dataFix = HttpDataFix)
    {
        _dataFix = dataFix;
        _function = function;
        _invoker = function.Invoker;
        _source = function.Source.ToString();
        _maxBodyBytes = maxBodyBytes;
        _timeout = invocationTimeout;
        _maxConcurrent = maxConcurrentInvocations;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        var contentType = request.ContentType;
        // Judged from the media type alone, before the body is read: never decode a format or charset we do not speak.
        var mode = GetMode(request.Headers, contentType);
        var unsupported = mode is null ? UnsupportedEventFormat(contentType) : UnsupportedCharset(contentType);
        if (unsupported is { } refused)
        {
            _logger.LogInformation("Rejected a request: {Detail}", refused.Detail);
            await WriteProblemAsync(context, refused);
            return;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(request, _maxBodyBytes, aborted);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteProblemAsync(context, ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request body too large" : "Bad request", ex.Message);
            return;
        }
        catch (EndOfStreamException)
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Bad request", "The request body ended before Content-Length bytes.");
            return;
        }

        IReadOnlyList<FunctionEvent> events;
        try
        {
            events = Decode(mode!.Value, request.Headers, contentType, body);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            _logger.LogInformation("Rejected a malformed {Mode} request: {Message}", mode, ex.Message);
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Malformed CloudEvent", ex.Message);
            return;
        }

        var results = events.Count == 1 ? null : new object?[events.Count];
        object? single = null;
        for (var i = 0; i < events.Count; i++)
        {
            var outcome = await InvokeAsync(events[i], aborted);
            if (outcome.Problem is { } problem)
            {
                if (aborted.IsCancellationRequested) return; // the client is gone: nobody to answer
                // Other faults are logged where they happen; unbound data is reported by the caller (invoke: as its error).
                if (problem.Code == HostErrorCodes.InvalidEventData) _logger.LogInformation("Rejected event {EventId}: {Detail}", events[i].CloudEvent.Id, problem.Detail);
                await WriteProblemAsync(context, problem);
                return;
            }
            if (results is null) single = outcome.Result; else results[i] = outcome.Result;
        }

        if (!_invoker.HasResult)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        switch (mode)
        {
            case RequestMode.Plain:
                await WriteBytesAsync(context.Response, JsonContentType, _invoker.SerializeResult(single));
                break;
            case RequestMode.Binary:
                var headers = context.Response.Headers;
                headers[SpecVersionHeader] = "1.0";
                headers["ce-id"] = Guid.NewGuid().ToString();
                headers["ce-source"] = _source;
                headers["ce-type"] = HttpUtilities.EncodeHeaderValue(events[0].CloudEvent.Type + ResponseTypeSuffix);
                await WriteBytesAsync(context.Response, JsonContentType, _invoker.SerializeResult(single));
                break;
            case RequestMode.Structured:
                var encoded = Formatter.EncodeStructuredModeMessage(ToResponseEvent(events[0], single), out var structuredType);
                await WriteBytesAsync(context.Response, structuredType.ToString(), encoded);
                break;
            default:
                var responseEvents = new List<CloudEvent>(events.Count);
                for (var i = 0; i < events.Count; i++) responseEvents.Add(ToResponseEvent(events[i], results is null ? single : results[i]));
                var batch = Formatter.EncodeBatchModeMessage(responseEvents, out var batchType);
                await WriteBytesAsync(context.Response, batchType.ToString(), batch);
                break;
        }
    }

    /// <summary>Runs one invocation; a fault comes back as a problem instead of an exception.</summary>
    internal async ValueTask<InvocationOutcome> InvokeAsync(FunctionEvent functionEvent, CancellationToken aborted)
    {
        // Bound what runs at once — a timed-out invocation counts until it really returns — so handlers that block
        // their thread cannot take every thread: /healthz, new requests and a graceful drain keep working.
        if (Interlocked.Increment(ref _running) > _maxConcurrent && _maxConcurrent > 0)
        {
            Interlocked.Decrement(ref _running);
            _logger.LogInformation("Event {EventId} refused: {Max} invocations are running (--max-concurrent-invocations).", functionEvent.CloudEvent.Id, _maxConcurrent);
            return new InvocationOutcome(null, Coded(StatusCodes.Status503ServiceUnavailable, "Too many invocations", HostErrorCodes.TooManyInvocations,
                $"{_maxConcurrent} invocations are already running (--max-concurrent-invocations). Retry after {BusyRetryAfterSeconds} s."));
        }

        var timeoutSource = _timeout > TimeSpan.Zero ? CancellationTokenSource.CreateLinkedTokenSource(aborted) : null;
        timeoutSource?.CancelAfter(_timeout);
        var token = timeoutSource?.Token ?? aborted;
        Task<object?>? running = null;
        try
        {
            object? result;
            if (timeoutSource is null)
            {
                result = await _invoker.InvokeAsync(functionEvent, token);
            }
            else
            {
                // Started on the thread pool, so a handler that blocks before its first await cannot hold this request:
                // it awaits the timeout, which does not depend on the handler. Timed-out work runs on in the background.
                running = Task.Run(() => _invoker.InvokeAsync(functionEvent, token).AsTask(), CancellationToken.None);
                result = await running.WaitAsync(token);
            }
            return new InvocationOutcome(result, null);
        }
        catch (FunctionInputException ex)
        {
            return new InvocationOutcome(null, Coded(StatusCodes.Status400BadRequest, "Invalid event data", HostErrorCodes.InvalidEventData,
                $"{ex.Message} {_dataFix} {ex.Expected}."));
        }
        catch (OperationCanceledException) when (timeoutSource is not null && timeoutSource.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            _logger.LogWarning("Event {EventId}: {Function} timed out after {Timeout}s.", functionEvent.CloudEvent.Id, _function.Manifest.EntryPoint.Reference, _timeout.TotalSeconds);
            return new InvocationOutcome(null, Coded(StatusCodes.Status504GatewayTimeout, "Function timed out", HostErrorCodes.InvocationTimedOut,
                $"The function did not complete within {_timeout.TotalSeconds:0.###} s (--invocation-timeout). Make it honour its CancellationToken, or raise the timeout."));
        }
        catch (Exception ex)
        {
            if (aborted.IsCancellationRequested) return new InvocationOutcome(null, new Problem(499, "Client closed request", ""));
            _logger.LogError(ex, "Event {EventId}: {Function} threw.", functionEvent.CloudEvent.Id, _function.Manifest.EntryPoint.Reference);
            return new InvocationOutcome(null, new Problem(StatusCodes.Status500InternalServerError, "Function failed",
                $"The function threw {ex.GetType().FullName}. See the host log for details."));
        }
        finally
        {
            if (running is { IsCompleted: false })
            {
                // Abandoned: it keeps its slot and its token until it returns (its exception, if any, is observed here).
                _ = running.ContinueWith(static (done, state) =>
                {
                    _ = done.Exception;
                    var (handler, source) = ((FunctionRequestHandler, CancellationTokenSource))state!;
                    Interlocked.Decrement(ref handler._running);
                    source.Dispose();
                }, (this, timeoutSource!), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                Interlocked.Decrement(ref _running);
                timeoutSource?.Dispose();
            }
        }
    }

    /// <summary>
    /// The request mode, or null for an <c>application/cloudevents…</c> media type other than the JSON event format:
    /// only <c>application/cloudevents+json</c> and <c>application/cloudevents-batch+json</c> are decoded.
    /// </summary>
    internal static RequestMode? GetMode(IHeaderDictionary headers, string? contentType)
    {
        if (contentType is not null && contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
        {
            var mediaType = MediaType(contentType);
            if (mediaType.Equals(StructuredMediaType, StringComparison.OrdinalIgnoreCase)) return RequestMode.Structured;
            if (mediaType.Equals(BatchMediaType, StringComparison.OrdinalIgnoreCase)) return RequestMode.Batch;
            return null;
        }
        return headers.ContainsKey(SpecVersionHeader) ? RequestMode.Binary : RequestMode.Plain;
    }

    private static ReadOnlySpan<char> MediaType(string contentType)
    {
        var semicolon = contentType.IndexOf(';');
        return (semicolon >= 0 ? contentType.AsSpan(0, semicolon) : contentType.AsSpan()).Trim();
    }

    private static Problem UnsupportedEventFormat(string? contentType)
        => Coded(StatusCodes.Status415UnsupportedMediaType, "Unsupported event format", HostErrorCodes.UnsupportedEventFormat,
            $"'{contentType}' is not an event format this host decodes. Send {StructuredMediaType}, {BatchMediaType} or a binary-mode event (ce-* headers).");

    /// <summary>
    /// FPKG4011 when Content-Type names a charset other than UTF-8 (or its subset US-ASCII): every body is decoded as
    /// UTF-8, so anything else would be misread. A Content-Type without parameters is not parsed at all (the hot path).
    /// </summary>
    internal static Problem? UnsupportedCharset(string? contentType)
    {
        if (contentType is null || contentType.IndexOf(';') < 0) return null;
        string? charset;
        try
        {
            charset = new ContentType(contentType).CharSet;
        }
        catch (FormatException ex)
        {
            return new Problem(StatusCodes.Status400BadRequest, "Malformed Content-Type", ex.Message);
        }
        if (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return Coded(StatusCodes.Status415UnsupportedMediaType, "Unsupported charset", HostErrorCodes.UnsupportedCharset,
            $"charset={charset} is not supported: the host reads event data as UTF-8. Send the body as UTF-8 (charset=utf-8, or no charset).");
    }

    private static IReadOnlyList<FunctionEvent> Decode(RequestMode mode, IHeaderDictionary headers, string? contentType, byte[] body)
    {
        switch (mode)
        {
            case RequestMode.Binary:
                return new[] { new FunctionEvent(DecodeBinaryMode(headers, contentType), body) };
            case RequestMode.Structured:
                return new[] { new FunctionEvent(Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType!), null)) };
            case RequestMode.Batch:
                var decoded = Formatter.DecodeBatchModeMessage(body, new ContentType(contentType!), null);
                if (decoded.Count == 0) throw new ArgumentException("The batch holds no events.");
                return decoded.Select(e => new FunctionEvent(e)).ToArray();
            default:
                return new[] { FunctionEvent.FromPlainRequest(body, contentType) };
        }
    }

    /// <summary>CloudEvents HTTP binding, binary mode: every <c>ce-</c> header is an attribute, Content-Type is datacontenttype.</summary>
    internal static CloudEvent DecodeBinaryMode(IHeaderDictionary headers, string? contentType)
    {
        var versionId = headers[SpecVersionHeader].ToString();
        var version = CloudEventsSpecVersion.FromVersionId(versionId)
            ?? throw new ArgumentException($"Unsupported CloudEvents specversion '{versionId}'; this host accepts 1.0.");
        var cloudEvent = new CloudEvent(version);
        foreach (var header in headers)
        {
            var name = HttpUtilities.GetAttributeNameFromHeaderName(header.Key);
            if (name is null || name == CloudEventsSpecVersion.SpecVersionAttribute.Name) continue;
            cloudEvent.SetAttributeFromString(name, HttpUtilities.DecodeHeaderValue(header.Value.ToString()));
        }
        if (!string.IsNullOrEmpty(contentType)) cloudEvent.DataContentType = contentType;
        if (!cloudEvent.IsValid)
        {
            var missing = string.Join(", ", version.RequiredAttributes.Where(a => cloudEvent[a] is null).Select(a => "ce-" + a.Name));
            throw new ArgumentException($"The binary-mode CloudEvent lacks required attributes: {missing}.");
        }
        return cloudEvent;
    }

    private CloudEvent ToResponseEvent(FunctionEvent request, object? result)
    {
        using var document = JsonDocument.Parse(_invoker.SerializeResult(result));
        return new CloudEvent
        {
            Id = Guid.NewGuid().ToString(),
            Source = _function.Source,
            Type = request.CloudEvent.Type + ResponseTypeSuffix,
            DataContentType = JsonContentType,
            Data = document.RootElement.Clone(),
        };
    }

    internal static async ValueTask<byte[]> ReadBodyAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        // Kestrel enforces --max-request-body-bytes while the body is read (BadHttpRequestException 413), and then
        // closes the connection cleanly; only an announced length within the limit gets an exact buffer up front.
        if (request.ContentLength is long length && (maxBodyBytes <= 0 || length <= maxBodyBytes))
        {
            if (length == 0) return Array.Empty<byte>();
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }

    private static Task WriteBytesAsync(HttpResponse response, string contentType, ReadOnlyMemory<byte> bytes, int status = StatusCodes.Status200OK)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }

    internal static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
        => WriteProblemAsync(context, new Problem(status, title, detail));

    internal static Task WriteProblemAsync(HttpContext context, Problem problem)
    {
        var response = context.Response;
        if (response.HasStarted) return Task.CompletedTask;
        response.Clear();
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) response.Headers.RetryAfter = BusyRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, HumanReadableJson))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "about:blank");
            writer.WriteString("title", problem.Title);
            writer.WriteNumber("status", problem.Status);
            writer.WriteString("detail", problem.Detail);
            if (problem.Code is not null) writer.WriteString("code", problem.Code);
            writer.WriteEndObject();
        }
        return WriteBytesAsync(response, ProblemContentType, buffer.ToArray(), problem.Status);
    }

    /// <summary>
    /// For JSON people read (problem details, invoke's result on a terminal): only what JSON itself requires is escaped,
    /// so <c>'</c>, <c>"</c>, <c>&lt;</c> and non-ASCII text stay legible. Function results over HTTP keep the serializer's
    /// default (HTML-safe) encoder: they are data for programs, and stay byte-identical across modes.
    /// </summary>
    internal static readonly JsonWriterOptions HumanReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A problem with an FPKG code: the <c>code</c> member, and the detail starts with it.</summary>
    private static Problem Coded(int status, string title, string code, string message) => new(status, title, $"{code}: {message}", code);

    internal readonly record struct Problem(int Status, string Title, string Detail, string? Code = null);

    internal readonly record struct InvocationOutcome(object? Result, Problem? Problem);
}
