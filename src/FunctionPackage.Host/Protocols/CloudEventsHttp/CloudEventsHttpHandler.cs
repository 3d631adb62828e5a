using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using FunctionPackage.Host.Invocation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Protocols.CloudEventsHttp;

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
/// The CloudEvents HTTP protocol, <c>POST /</c>: decodes the CloudEvent(s) (binary, structured, batch) or plain data,
/// invokes each through the <see cref="InvocationPipeline"/>, and encodes the result in the request's mode. Faults
/// become <c>application/problem+json</c>: 400 undecodable event or data, 413 body over the limit, 415 a charset or
/// event format the host does not decode; an invocation's outcome maps to its status in <see cref="HttpOutcomes"/>.
/// </summary>
public sealed class CloudEventsHttpHandler
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
    /// <summary>FPKG4050's fix over HTTP (the pipeline's <c>dataFix</c>); <c>invoke</c> names its <c>--data</c> option instead.</summary>
    public const string HttpDataFix = "Send the data as";

    private static readonly JsonEventFormatter Formatter = new();

    private readonly InvocationPipeline _pipeline;
    private readonly Uri _sourceUri;
    private readonly string _source;
    private readonly long _maxBodyBytes;
    private readonly ILogger _logger;
    private ResponseType? _lastResponseType;

    /// <summary>
    /// <paramref name="pipeline"/> was created with <see cref="HttpDataFix"/>; <paramref name="source"/>: the source of every
    /// response event (<see cref="InstalledFunction.Source"/>); <paramref name="maxBodyBytes"/>: as Kestrel enforces it.
    /// </summary>
    public CloudEventsHttpHandler(InvocationPipeline pipeline, Uri source, long maxBodyBytes, ILogger logger)
    {
        _pipeline = pipeline;
        _sourceUri = source;
        _source = _sourceUri.ToString();
        _maxBodyBytes = maxBodyBytes;
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

        // One event (plain, binary, structured) or a batch: a single event needs no list.
        FunctionEvent first;
        IReadOnlyList<FunctionEvent>? batch = null;
        try
        {
            if (mode == RequestMode.Batch) first = (batch = DecodeBatch(contentType, body))[0];
            else first = Decode(mode!.Value, request.Headers, contentType, body);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            _logger.LogInformation("Rejected a malformed {Mode} request: {Message}", mode, ex.Message);
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Malformed CloudEvent", ex.Message);
            return;
        }

        var count = batch?.Count ?? 1;
        var results = count == 1 ? null : new object?[count];
        object? single = null;
        for (var i = 0; i < count; i++)
        {
            var functionEvent = batch is null ? first : batch[i];
            var outcome = await _pipeline.InvokeAsync(functionEvent, aborted);
            if (!outcome.IsResult)
            {
                // Other faults are logged by the pipeline; unbound data is reported by the front end (invoke: as its error).
                if (outcome.Status == InvocationStatus.BadInput) _logger.LogInformation("Rejected event {EventId}: {Detail}", functionEvent.CloudEvent.Id, outcome.Detail);
                if (HttpOutcomes.ToProblem(outcome) is { } problem) await WriteProblemAsync(context, problem);
                return;
            }
            if (results is null) single = outcome.Result; else results[i] = outcome.Result;
        }

        if (!_pipeline.HasResult)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        switch (mode)
        {
            case RequestMode.Plain:
                await WriteBytesAsync(context.Response, JsonContentType, _pipeline.SerializeResult(single));
                break;
            case RequestMode.Binary:
                var headers = context.Response.Headers;
                headers[SpecVersionHeader] = "1.0";
                headers["ce-id"] = EventIds.Next();
                headers["ce-source"] = _source;
                headers["ce-type"] = ResponseTypeHeader(first.Type!);
                await WriteBytesAsync(context.Response, JsonContentType, _pipeline.SerializeResult(single));
                break;
            case RequestMode.Structured:
                var encoded = Formatter.EncodeStructuredModeMessage(ToResponseEvent(first, single), out var structuredType);
                await WriteBytesAsync(context.Response, structuredType.ToString(), encoded);
                break;
            default:
                var responseEvents = new List<CloudEvent>(count);
                for (var i = 0; i < count; i++) responseEvents.Add(ToResponseEvent(batch![i], results is null ? single : results[i]));
                var encodedBatch = Formatter.EncodeBatchModeMessage(responseEvents, out var batchType);
                await WriteBytesAsync(context.Response, batchType.ToString(), encodedBatch);
                break;
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
        => Problem.Coded(StatusCodes.Status415UnsupportedMediaType, "Unsupported event format", HostErrorCodes.UnsupportedEventFormat, contentType, StructuredMediaType, BatchMediaType);

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
        return Problem.Coded(StatusCodes.Status415UnsupportedMediaType, "Unsupported charset", HostErrorCodes.UnsupportedCharset, charset);
    }

    /// <summary>The one event of a plain, binary or structured request.</summary>
    private static FunctionEvent Decode(RequestMode mode, IHeaderDictionary headers, string? contentType, byte[] body) => mode switch
    {
        RequestMode.Binary => DecodeRequiredAttributesOnly(headers, contentType, body) ?? new FunctionEvent(DecodeBinaryMode(headers, contentType), body),
        RequestMode.Structured => new FunctionEvent(Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType!), null)),
        _ => FunctionEvent.FromPlainData(body, contentType, PlainRequestSourceUri, PlainRequestType),
    };

    private static FunctionEvent[] DecodeBatch(string? contentType, byte[] body)
    {
        var decoded = Formatter.DecodeBatchModeMessage(body, new ContentType(contentType!), null);
        if (decoded.Count == 0) throw new ArgumentException("The batch holds no events.");
        var events = new FunctionEvent[decoded.Count];
        for (var i = 0; i < events.Length; i++) events[i] = new FunctionEvent(decoded[i]);
        return events;
    }

    /// <summary>
    /// Binary mode's common case, the event without a <see cref="CloudEvent"/> object: <c>ce-specversion: 1.0</c> and
    /// exactly <c>ce-id</c>, <c>ce-source</c>, <c>ce-type</c>, non-empty, each decoded and parsed by the SDK's own
    /// attribute, as <see cref="DecodeBinaryMode"/> would. Null for anything else (another <c>ce-</c> header, a missing,
    /// empty or invalid one): <see cref="DecodeBinaryMode"/> then decodes it, with its own verdict and message.
    /// </summary>
    internal static FunctionEvent? DecodeRequiredAttributesOnly(IHeaderDictionary headers, string? contentType, byte[] body)
    {
        // One pass over the headers: each required value is read here, none looked up again.
        string? specVersion = null, id = null, source = null, type = null;
        foreach (var header in headers)
        {
            var name = header.Key;
            if (!name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)) continue;
            if (name.Equals(SpecVersionHeader, StringComparison.OrdinalIgnoreCase) && specVersion is null) specVersion = header.Value.ToString();
            else if (name.Equals("ce-id", StringComparison.OrdinalIgnoreCase) && id is null) id = header.Value.ToString();
            else if (name.Equals("ce-source", StringComparison.OrdinalIgnoreCase) && source is null) source = header.Value.ToString();
            else if (name.Equals("ce-type", StringComparison.OrdinalIgnoreCase) && type is null) type = header.Value.ToString();
            else return null;
        }
        if (specVersion != CloudEventsSpecVersion.V1_0.VersionId
            || string.IsNullOrEmpty(id) || string.IsNullOrEmpty(source) || string.IsNullOrEmpty(type))
        {
            return null;
        }
        var version = CloudEventsSpecVersion.V1_0;
        try
        {
            id = (string)version.IdAttribute.Parse(HttpUtilities.DecodeHeaderValue(id));
            var sourceUri = ParseSource(HttpUtilities.DecodeHeaderValue(source));
            type = (string)version.TypeAttribute.Parse(HttpUtilities.DecodeHeaderValue(type));
            // Empty after decoding: the full decode gives the verdict.
            if (id.Length == 0 || type.Length == 0 || sourceUri.OriginalString.Length == 0) return null;
            var dataContentType = string.IsNullOrEmpty(contentType) ? null : ParseDataContentType(contentType);
            return FunctionEvent.FromRequiredAttributes(body, id, sourceUri, type, dataContentType);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>ce-source</c> parsed by the SDK's attribute, the last one seen kept (a sender mostly repeats one source; a
    /// <see cref="Uri"/> is immutable, so requests can share it): the same text gives the same verdict.
    /// </summary>
    private static Uri ParseSource(string source)
    {
        var cached = s_lastSource;
        if (cached is not null && cached.Text == source) return cached.Uri;
        var parsed = (Uri)CloudEventsSpecVersion.V1_0.SourceAttribute.Parse(source);
        s_lastSource = new ParsedSource(source, parsed);
        return parsed;
    }

    private sealed record ParsedSource(string Text, Uri Uri);
    private static ParsedSource? s_lastSource;

    /// <summary>
    /// Content-Type as datacontenttype, validated by the SDK's attribute (it parses a <c>ContentType</c>: ~340 B and
    /// ~0.5 µs a request) only when it differs from the last valid one: the same text gives the same verdict.
    /// </summary>
    private static string ParseDataContentType(string contentType)
    {
        if (contentType == s_lastDataContentType) return contentType;
        var parsed = (string)CloudEventsSpecVersion.V1_0.DataContentTypeAttribute.Parse(contentType);
        s_lastDataContentType = parsed;
        return parsed;
    }

    private static string? s_lastDataContentType;

    /// <summary>The response event's <c>ce-type</c> header for a request type: computed once per type seen last (requests mostly repeat one).</summary>
    private string ResponseTypeHeader(string requestType)
    {
        var cached = _lastResponseType;
        if (cached is not null && cached.RequestType == requestType) return cached.Header;
        var header = HttpUtilities.EncodeHeaderValue(requestType + ResponseTypeSuffix);
        _lastResponseType = new ResponseType(requestType, header);
        return header;
    }

    private sealed record ResponseType(string RequestType, string Header);

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
        using var document = JsonDocument.Parse(_pipeline.SerializeResult(result));
        return new CloudEvent
        {
            Id = EventIds.Next(),
            Source = _sourceUri,
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
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) response.Headers.RetryAfter = InvocationPipeline.BusyRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteBytesAsync(response, ProblemContentType, problem.ToJson(), problem.Status);
    }
}
