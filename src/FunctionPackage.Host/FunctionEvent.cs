using CloudNative.CloudEvents;

namespace FunctionPackage.Host;

/// <summary>
/// One event to invoke the function with. Binary-mode and plain HTTP requests carry their data as the raw
/// <see cref="Body"/> (decoded only as far as the function's input type needs); structured and batch events
/// arrive with <see cref="CloudEvent.Data"/> already decoded by the JSON event formatter.
/// </summary>
public sealed class FunctionEvent
{
    private CloudEvent? _cloudEvent;
    // The attributes of an event whose CloudEvent is built only when asked for (plain data; binary mode's required
    // attributes, already validated): a null _lazyId means a new id.
    private readonly string? _lazyId;
    private readonly Uri? _lazySource;
    private readonly string? _lazyType;
    private readonly string? _lazyContentType;

    public FunctionEvent(CloudEvent cloudEvent, ReadOnlyMemory<byte>? body = null)
    {
        _cloudEvent = cloudEvent;
        Body = body;
    }

    private FunctionEvent(ReadOnlyMemory<byte> body, string? id, Uri source, string type, string? contentType)
    {
        Body = body;
        _lazyId = id;
        _lazySource = source;
        _lazyType = type;
        _lazyContentType = contentType;
    }

    /// <summary>
    /// Data that arrived without a CloudEvent (a plain HTTP request's body): its CloudEvent — a new id, the front end's
    /// <paramref name="source"/> and <paramref name="type"/> — is only built if the function or a log line asks for it.
    /// </summary>
    public static FunctionEvent FromPlainData(ReadOnlyMemory<byte> body, string? contentType, Uri source, string type) => new(body, null, source, type, contentType);

    /// <summary>
    /// A CloudEvents 1.0 event of only the required attributes, each already parsed and validated by the SDK's own
    /// attribute (binary mode): its CloudEvent is only built if the function or a log line asks for it.
    /// <paramref name="contentType"/>: the datacontenttype, or null for none.
    /// </summary>
    internal static FunctionEvent FromRequiredAttributes(ReadOnlyMemory<byte> body, string id, Uri source, string type, string? contentType)
        => new(body, id, source, type, contentType);

    public CloudEvent CloudEvent => _cloudEvent ??= new CloudEvent
    {
        Id = _lazyId ?? EventIds.Next(),
        Source = _lazySource,
        Type = _lazyType,
        DataContentType = _lazyContentType,
    };

    /// <summary>The event's type, without building a <see cref="CloudEvent"/> that was not built yet.</summary>
    public string? Type => _cloudEvent is null ? _lazyType : _cloudEvent.Type;

    /// <summary>The media type of the data (the event's datacontenttype; Content-Type of a plain request).</summary>
    public string? DataContentType => _cloudEvent is null ? _lazyContentType : _cloudEvent.DataContentType;

    /// <summary>The undecoded data bytes, or null when the data (if any) is in <see cref="CloudEvent.Data"/>.</summary>
    public ReadOnlyMemory<byte>? Body { get; }
}

/// <summary>The event cannot be bound to the function's input (no data, invalid JSON, wrong shape): the caller's fault.</summary>
public sealed class FunctionInputException : Exception
{
    /// <summary><paramref name="expected"/>: what the data must be, for the fix the caller names ("JSON for GreetRequest").</summary>
    public FunctionInputException(string message, string expected, Exception? inner = null) : base(message, inner)
    {
        Expected = expected;
    }

    public string Expected { get; }
}
