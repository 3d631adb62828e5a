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
    private readonly string? _plainContentType;
    private readonly Uri? _plainSource;
    private readonly string? _plainType;

    public FunctionEvent(CloudEvent cloudEvent, ReadOnlyMemory<byte>? body = null)
    {
        _cloudEvent = cloudEvent;
        Body = body;
    }

    private FunctionEvent(ReadOnlyMemory<byte> body, string? contentType, Uri source, string type)
    {
        Body = body;
        _plainContentType = contentType;
        _plainSource = source;
        _plainType = type;
    }

    /// <summary>
    /// Data that arrived without a CloudEvent (a plain HTTP request's body): its CloudEvent — a new id, the front end's
    /// <paramref name="source"/> and <paramref name="type"/> — is only built if the function or a log line asks for it.
    /// </summary>
    public static FunctionEvent FromPlainData(ReadOnlyMemory<byte> body, string? contentType, Uri source, string type) => new(body, contentType, source, type);

    public CloudEvent CloudEvent => _cloudEvent ??= new CloudEvent
    {
        Id = Guid.NewGuid().ToString(),
        Source = _plainSource,
        Type = _plainType,
        DataContentType = _plainContentType,
    };

    /// <summary>The media type of the data (the event's datacontenttype; Content-Type of a plain request).</summary>
    public string? DataContentType => _cloudEvent is null ? _plainContentType : _cloudEvent.DataContentType;

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
