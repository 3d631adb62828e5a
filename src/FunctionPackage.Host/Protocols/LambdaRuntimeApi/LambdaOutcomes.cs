using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionPackage.Host.Invocation;

namespace FunctionPackage.Host.Protocols.LambdaRuntimeApi;

/// <summary>The body of <c>POST …/invocation/{id}/error</c> and <c>…/init/error</c>, as the Runtime API takes it.</summary>
internal sealed record LambdaError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] string[] StackTrace)
{
    /// <summary>The <c>Lambda-Runtime-Function-Error-Type</c> header: Lambda recommends <c>Category.Reason</c>.</summary>
    [JsonIgnore]
    public string HeaderType { get; init; } = "";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>A fault of the host (a load failure, bad input, the deadline): errorType is its FPKG code.</summary>
    public static LambdaError Coded(string code, string message) => new(message, code, Array.Empty<string>()) { HeaderType = $"Runtime.{code}" };
}

/// <summary>The one place an invocation's outcome becomes a Lambda answer: a result is the response body, every fault an error.</summary>
internal static class LambdaOutcomes
{
    public const string UnhandledErrorType = "Function.Unhandled";

    /// <summary>
    /// The error to post, or null for a result (posted as the response) or when nobody waits (the host is stopping).
    /// <paramref name="deadlineFirst"/>: the invocation's deadline, not --invocation-timeout, bounded it.
    /// </summary>
    public static LambdaError? ToError(in InvocationOutcome outcome, bool deadlineFirst, TimeSpan limit) => outcome.Status switch
    {
        InvocationStatus.Result or InvocationStatus.Cancelled => null,
        InvocationStatus.Timeout when deadlineFirst
            => LambdaError.Coded(HostErrorCodes.LambdaDeadlineExceeded, HostDiagnostics.Message(HostErrorCodes.LambdaDeadlineExceeded, limit.TotalSeconds)),
        InvocationStatus.BadInput or InvocationStatus.Timeout or InvocationStatus.Busy => LambdaError.Coded(outcome.Code!, outcome.Detail),
        // As AWS's own .NET runtime reports a throwing handler: the exception's message, type and stack.
        InvocationStatus.Failure when outcome.Exception is { } thrown => new(thrown.Message, thrown.GetType().FullName!, StackLines(thrown)) { HeaderType = UnhandledErrorType },
        InvocationStatus.Failure => new(outcome.Detail, UnhandledErrorType, Array.Empty<string>()) { HeaderType = UnhandledErrorType },
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Status, "Not an invocation status."),
    };

    private static string[] StackLines(Exception thrown)
        => (thrown.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
