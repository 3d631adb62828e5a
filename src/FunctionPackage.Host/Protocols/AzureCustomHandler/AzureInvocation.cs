using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace FunctionPackage.Host.Protocols.AzureCustomHandler;

/// <summary>
/// A payload-mode invocation request, <c>{"Data":{&lt;binding&gt;: value},"Metadata":{…}}</c>, turned into the event the
/// pipeline takes: the value of the function's trigger binding is the entry point's input.
/// </summary>
internal static class AzureInvocation
{
    public const string EventTypePrefix = "com.microsoft.azure.functions.";
    public const string EventSourcePrefix = "urn:functionpackage:azure-functions:";

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>
    /// The event of <paramref name="body"/> for <paramref name="function"/>; <see cref="AzureRequestException"/> (FPKG4202)
    /// when it is not an invocation request or lacks the trigger's value. <paramref name="invocationId"/>: the
    /// <c>X-Azure-Functions-InvocationId</c> header, the event's id (a new GUID without one).
    /// </summary>
    public static FunctionEvent Decode(AzureFunction function, ReadOnlyMemory<byte> body, string? invocationId)
    {
        JsonElement value;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw Refused(function, "it is not a JSON object with a \"Data\" object");
            }
            if (!data.TryGetProperty(function.TriggerName, out var triggerValue))
            {
                throw Refused(function, $"its \"Data\" has no \"{function.TriggerName}\" (the trigger binding's name in {function.Name}/function.json)");
            }
            value = triggerValue.Clone();
        }
        catch (JsonException ex)
        {
            throw Refused(function, $"it is not JSON ({ex.Message})");
        }

        var attributes = new CloudEvent
        {
            Id = string.IsNullOrEmpty(invocationId) ? Guid.NewGuid().ToString() : invocationId,
            Source = new Uri(EventSourcePrefix + function.Name),
            Type = EventTypePrefix + function.TriggerType,
        };
        if (function.IsHttp) return HttpRequestEvent(function, value, attributes);
        if (function.TriggerType.Equals(AzureFunction.EventGridTrigger, StringComparison.OrdinalIgnoreCase)) return EventGridEvent(function, value, attributes);
        var (bytes, contentType) = TriggerValue(value);
        attributes.DataContentType = contentType;
        return new FunctionEvent(attributes, bytes);
    }

    /// <summary>
    /// The HTTP trigger's request, <c>{"Url","Method","Query","Headers":{"Name":["v"]},"Params","Identities","Body"}</c>:
    /// its <c>Body</c> is the data — text as sent, base64 for <c>application/octet-stream</c> and <c>multipart/*</c>
    /// (the Functions host sends those bodies as bytes) — with the request's Content-Type.
    /// </summary>
    private static FunctionEvent HttpRequestEvent(AzureFunction function, JsonElement request, CloudEvent attributes)
    {
        if (request.ValueKind != JsonValueKind.Object) throw Refused(function, $"\"Data\".\"{function.TriggerName}\" is not an HTTP request object");
        var contentType = Header(request, "Content-Type");
        byte[] bytes = Array.Empty<byte>();
        if (request.TryGetProperty("Body", out var body) && body.ValueKind != JsonValueKind.Null)
        {
            if (body.ValueKind != JsonValueKind.String) bytes = Encoding.UTF8.GetBytes(body.GetRawText());
            else if (IsBinary(contentType))
            {
                if (!body.TryGetBytesFromBase64(out var decoded)) throw Refused(function, $"the {contentType} request's \"Body\" is not base64");
                bytes = decoded;
            }
            else bytes = Encoding.UTF8.GetBytes(body.GetString()!);
        }
        attributes.DataContentType = contentType;
        return new FunctionEvent(attributes, bytes);
    }

    /// <summary>
    /// An Event Grid event: in the CloudEvents schema (it has <c>specversion</c>) it is that CloudEvent, decoded by the
    /// CloudEvents JSON format; in the Event Grid schema (<c>id</c>, <c>eventType</c>, <c>subject</c>, <c>eventTime</c>,
    /// <c>topic</c>, <c>data</c>) its fields become the CloudEvent's id, type, subject, time, source and data.
    /// </summary>
    private static FunctionEvent EventGridEvent(AzureFunction function, JsonElement value, CloudEvent attributes)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            // Sent as text by some hosts: its content is the event.
            try
            {
                using var parsed = JsonDocument.Parse(value.GetString()!);
                value = parsed.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw Refused(function, $"the Event Grid event is not JSON ({ex.Message})");
            }
        }
        if (value.ValueKind != JsonValueKind.Object) throw Refused(function, "the Event Grid event is not a JSON object");
        try
        {
            if (value.TryGetProperty("specversion", out _))
            {
                return new FunctionEvent(Formatter.DecodeStructuredModeMessage(Encoding.UTF8.GetBytes(value.GetRawText()), new ContentType("application/cloudevents+json"), null));
            }
            if (Text(value, "id") is { Length: > 0 } id) attributes.Id = id;
            if (Text(value, "eventType") is { Length: > 0 } type) attributes.Type = type;
            if (Text(value, "topic") is { Length: > 0 } topic && Uri.TryCreate(topic, UriKind.RelativeOrAbsolute, out var source)) attributes.Source = source;
            if (Text(value, "subject") is { Length: > 0 } subject) attributes.Subject = subject;
            if (Text(value, "eventTime") is { } time && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)) attributes.Time = at;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or JsonException)
        {
            throw Refused(function, $"the Event Grid event is not a valid CloudEvent ({ex.Message})");
        }
        attributes.DataContentType = "application/json";
        var data = value.TryGetProperty("data", out var found) ? Encoding.UTF8.GetBytes(found.GetRawText()) : Array.Empty<byte>();
        return new FunctionEvent(attributes, data);
    }

    /// <summary>
    /// Any other trigger's value (a queue message, a Service Bus message, a timer): an object, array or number is its JSON;
    /// a string is its text. The Functions host serializes a string input into JSON text first, so a string whose text is
    /// itself a JSON string literal (<c>"\"{…}\""</c>) is unwrapped once.
    /// </summary>
    internal static (byte[] Bytes, string? ContentType) TriggerValue(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return (Array.Empty<byte>(), null);
        if (value.ValueKind != JsonValueKind.String) return (Encoding.UTF8.GetBytes(value.GetRawText()), "application/json");
        var text = value.GetString()!;
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            try
            {
                text = JsonSerializer.Deserialize<string>(text) ?? "";
            }
            catch (JsonException)
            {
                // Not a JSON string literal after all: the text as sent.
            }
        }
        return (Encoding.UTF8.GetBytes(text), "application/json");
    }

    private static bool IsBinary(string? contentType)
        => contentType is not null && (contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                                       || contentType.Contains("multipart/", StringComparison.OrdinalIgnoreCase));

    /// <summary>A header of the request object: <c>"Headers":{"Content-Type":["application/json"]}</c> (a plain string is taken too), any case.</summary>
    private static string? Header(JsonElement request, string name)
    {
        if (!request.TryGetProperty("Headers", out var headers) || headers.ValueKind != JsonValueKind.Object) return null;
        foreach (var header in headers.EnumerateObject())
        {
            if (!header.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            if (header.Value.ValueKind == JsonValueKind.String) return header.Value.GetString();
            if (header.Value.ValueKind == JsonValueKind.Array)
            {
                return string.Join(",", header.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()));
            }
        }
        return null;
    }

    private static string? Text(JsonElement element, string property)
        => element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static AzureRequestException Refused(AzureFunction function, string problem)
        => new(HostDiagnostics.Message(HostErrorCodes.AzureInvocationInvalid, function.Name, problem));
}

/// <summary>The request to <c>POST /&lt;Name&gt;</c> is not an invocation of that function (FPKG4202; answered 400).</summary>
internal sealed class AzureRequestException(string message) : Exception(message);
