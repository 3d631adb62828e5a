using FunctionPackage.Host.Invocation;
using Microsoft.AspNetCore.Http;

namespace FunctionPackage.Host.Protocols.CloudEventsHttp;

/// <summary>An <c>application/problem+json</c> answer; a coded one adds the <c>code</c> member and its detail starts with the code.</summary>
internal readonly record struct Problem(int Status, string Title, string Detail, string? Code = null)
{
    public static Problem Coded(int status, string title, string code, params object?[] args) => new(status, title, HostDiagnostics.Message(code, args), code);

    /// <summary>The RFC 9457 body: type, title, status, detail and, for a coded problem, code.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, HostJson.HumanReadable))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "about:blank");
            writer.WriteString("title", Title);
            writer.WriteNumber("status", Status);
            writer.WriteString("detail", Detail);
            if (Code is not null) writer.WriteString("code", Code);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

/// <summary>The one place an invocation's fault becomes an HTTP status (a result is 200, or 204 for a function that returns nothing).</summary>
internal static class HttpOutcomes
{
    /// <summary>The answer to a fault, or null when nobody waits for one (the client went away: <see cref="InvocationStatus.Cancelled"/>).</summary>
    public static Problem? ToProblem(in InvocationOutcome outcome) => outcome.Status switch
    {
        InvocationStatus.BadInput => new(StatusCodes.Status400BadRequest, "Invalid event data", outcome.Detail, outcome.Code),
        InvocationStatus.Timeout => new(StatusCodes.Status504GatewayTimeout, "Function timed out", outcome.Detail, outcome.Code),
        InvocationStatus.Busy => new(StatusCodes.Status503ServiceUnavailable, "Too many invocations", outcome.Detail, outcome.Code),
        InvocationStatus.Failure => new(StatusCodes.Status500InternalServerError, "Function failed", outcome.Detail),
        InvocationStatus.Cancelled => null,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Status, "A result is not a problem."),
    };
}
