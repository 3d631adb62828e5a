using CloudNative.CloudEvents;

namespace FunctionPackage.Host;

/// <summary>
/// One event to invoke the function with. Binary-mode and plain HTTP requests carry their data as the raw
/// <see cref="Body"/> (decoded only as far as the function's input type needs); structured and batch events
/// arrive with <see cref="CloudEvent.Data"/> already decoded by the JSON event formatter.
/// </summary>
public sealed class FunctionEvent
{
    public FunctionEvent(CloudEvent cloudEvent, ReadOnlyMemory<byte>? body = null)
    {
        CloudEvent = cloudEvent;
        Body = body;
    }

    public CloudEvent CloudEvent { get; }

    /// <summary>The undecoded data bytes, or null when the data (if any) is in <see cref="CloudEvent.Data"/>.</summary>
    public ReadOnlyMemory<byte>? Body { get; }
}

/// <summary>The event cannot be bound to the function's input (no data, invalid JSON, wrong shape): the caller's fault.</summary>
public sealed class FunctionInputException : Exception
{
    public FunctionInputException(string message, Exception? inner = null) : base(message, inner) { }
}
