using FunctionPackage.Host.Invocation;
using Microsoft.AspNetCore.Http;

namespace FunctionPackage.Host.Protocols.CloudEventsHttp;

/// <summary>An <c>application/problem+json</c> answer; a coded one adds the <c>code</c> member and its detail starts with the code.</summary>
internal readonly record struct Problem(int Status, string Title, string Detail, string? Code = null)
{
    public static Problem Coded(int status, string title, string code, params object?[] args) => new(status, title, HostDiagnostics.Message(code, args), code);
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
