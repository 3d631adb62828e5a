using System.Text.Json;
using FunctionPackage.Host.Invocation;
using Microsoft.AspNetCore.Http;

namespace FunctionPackage.Host.Protocols.OpenWhiskActionProxy;

/// <summary>What <c>/run</c> answers: a status and a JSON body.</summary>
internal readonly record struct OpenWhiskAnswer(int Status, byte[] Body);

/// <summary>
/// The one place an invocation's outcome becomes an OpenWhisk answer. The contract: 200 with a JSON object is the
/// activation's result; anything else is its failure, answered 502 <c>{"error": …}</c> (the "application error" the
/// activation record shows).
/// </summary>
internal static class OpenWhiskOutcomes
{
    public const int ErrorStatus = StatusCodes.Status502BadGateway;

    /// <summary>The result of a function that returns nothing (void, Task): an empty object, as OpenWhisk's own runtimes answer it.</summary>
    private static readonly byte[] EmptyResult = "{}"u8.ToArray();

    /// <summary>The answer, or null when nobody waits for one (the invoker went away, the host is stopping).</summary>
    public static OpenWhiskAnswer? ToAnswer(in InvocationOutcome outcome, InvocationPipeline pipeline, bool deadlineFirst, TimeSpan limit) => outcome.Status switch
    {
        InvocationStatus.Result => Result(outcome.Result, pipeline),
        InvocationStatus.Cancelled => null,
        InvocationStatus.Timeout when deadlineFirst => Failed(HostDiagnostics.Message(HostErrorCodes.OpenWhiskDeadlineExceeded, limit.TotalSeconds)),
        InvocationStatus.BadInput or InvocationStatus.Timeout or InvocationStatus.Busy => Failed(outcome.Detail),
        // As OpenWhisk's own .NET runtime reports a throwing action: the exception's message (with its type here).
        InvocationStatus.Failure when outcome.Exception is { } thrown => Failed($"{thrown.GetType().FullName}: {thrown.Message}"),
        InvocationStatus.Failure => Failed(outcome.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Status, "Not an invocation status."),
    };

    public static byte[] Error(string message) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = message });

    private static OpenWhiskAnswer Result(object? result, InvocationPipeline pipeline)
    {
        if (!pipeline.HasResult) return new(StatusCodes.Status200OK, EmptyResult);
        var json = pipeline.SerializeResult(result);
        var kind = KindOf(json);
        if (kind == JsonValueKind.Object) return new(StatusCodes.Status200OK, json);
        return kind == JsonValueKind.Null
            ? Failed(HostDiagnostics.Message(HostErrorCodes.OpenWhiskResultNotObject + ".Null"))
            : Failed(HostDiagnostics.Message(HostErrorCodes.OpenWhiskResultNotObject, kind switch
            {
                JsonValueKind.Array => "an array",
                JsonValueKind.String => "a string",
                JsonValueKind.Number => "a number",
                _ => "a boolean",
            }));
    }

    /// <summary>The kind of a serialized result from its first token, without parsing the rest.</summary>
    private static JsonValueKind KindOf(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.StartObject => JsonValueKind.Object,
            JsonTokenType.StartArray => JsonValueKind.Array,
            JsonTokenType.String => JsonValueKind.String,
            JsonTokenType.Number => JsonValueKind.Number,
            JsonTokenType.True or JsonTokenType.False => JsonValueKind.True,
            _ => JsonValueKind.Null,
        };
    }

    private static OpenWhiskAnswer Failed(string message) => new(ErrorStatus, Error(message));
}
