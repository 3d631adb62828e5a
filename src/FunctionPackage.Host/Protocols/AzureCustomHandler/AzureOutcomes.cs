using System.Globalization;
using System.Text.Json;
using FunctionPackage.Host.Invocation;
using FunctionPackage.Host.Protocols.CloudEventsHttp;
using Microsoft.AspNetCore.Http;

namespace FunctionPackage.Host.Protocols.AzureCustomHandler;

/// <summary>What the handler answers the Functions host: its status and the <c>{"Outputs","Logs","ReturnValue"}</c> body.</summary>
internal readonly record struct AzureAnswer(int Status, byte[] Body);

/// <summary>
/// The one place an invocation's outcome becomes a custom-handler answer. A result is 200 with the outputs. A fault of the
/// function (it threw, it timed out) is a failed invocation — a non-2xx answer, which the Functions host records as failed
/// (an HTTP caller gets 500, a queue message is retried and then poisoned) — with the coded detail in <c>Logs</c>. A fault
/// of the HTTP caller (bad data, too many invocations) is that caller's answer: 200 with the HTTP output's 400/503.
/// </summary>
internal static class AzureOutcomes
{
    /// <summary>The answer, or null when nobody waits (the Functions host went away: <see cref="InvocationStatus.Cancelled"/>).</summary>
    public static AzureAnswer? ToAnswer(AzureFunction function, in InvocationOutcome outcome, InvocationPipeline pipeline)
    {
        if (outcome.IsResult)
        {
            var result = pipeline.HasResult ? pipeline.SerializeResult(outcome.Result) : null;
            return new(StatusCodes.Status200OK, function.IsHttp ? HttpResult(function, result) : EventResult(function, result));
        }
        if (HttpOutcomes.ToProblem(outcome) is not { } problem) return null;
        var callerFault = outcome.Status is InvocationStatus.BadInput or InvocationStatus.Busy;
        if (function.IsHttp && callerFault) return new(StatusCodes.Status200OK, HttpProblem(function, problem));
        return Failed(problem.Status, problem.Detail);
    }

    /// <summary>A failed invocation: <paramref name="status"/> with the detail as its log line.</summary>
    public static AzureAnswer Failed(int status, string detail) => new(status, Write(writer =>
    {
        writer.WriteStartObject("Outputs");
        writer.WriteEndObject();
        Logs(writer, detail);
        writer.WriteNull("ReturnValue");
    }));

    /// <summary><c>res</c> (or <c>ReturnValue</c> for <c>$return</c>) = <c>{"statusCode":"200","body":"&lt;result JSON&gt;","headers":{"Content-Type":"application/json"}}</c>; 204 without a result.</summary>
    private static byte[] HttpResult(AzureFunction function, byte[]? result) => Write(writer => HttpOutput(writer, function, null, w =>
    {
        w.WriteString("statusCode", result is null ? "204" : "200");
        if (result is null) return;
        w.WriteString("body", System.Text.Encoding.UTF8.GetString(result));
        w.WriteStartObject("headers");
        w.WriteString("Content-Type", "application/json");
        w.WriteEndObject();
    }));

    private static byte[] HttpProblem(AzureFunction function, Problem problem) => Write(writer => HttpOutput(writer, function, problem.Detail, w =>
    {
        w.WriteString("statusCode", problem.Status.ToString(CultureInfo.InvariantCulture));
        w.WriteString("body", System.Text.Encoding.UTF8.GetString(problem.ToJson()));
        w.WriteStartObject("headers");
        w.WriteString("Content-Type", "application/problem+json");
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) w.WriteString("Retry-After", InvocationPipeline.BusyRetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }));

    /// <summary>The HTTP output binding's value (<c>Outputs.&lt;name&gt;</c>, or <c>ReturnValue</c> for <c>$return</c> or no http output).</summary>
    private static void HttpOutput(Utf8JsonWriter writer, AzureFunction function, string? log, Action<Utf8JsonWriter> response)
    {
        var inOutputs = function.HttpOutput is { } name && name != AzureFunction.ReturnBinding;
        writer.WriteStartObject("Outputs");
        if (inOutputs)
        {
            writer.WriteStartObject(function.HttpOutput!);
            response(writer);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        Logs(writer, log);
        if (inOutputs)
        {
            writer.WriteNull("ReturnValue");
            return;
        }
        writer.WriteStartObject("ReturnValue");
        response(writer);
        writer.WriteEndObject();
    }

    /// <summary>An event trigger's result: the value of every output binding and the <c>ReturnValue</c> (null for a function that returns nothing).</summary>
    private static byte[] EventResult(AzureFunction function, byte[]? result) => Write(writer =>
    {
        writer.WriteStartObject("Outputs");
        foreach (var output in function.Outputs.Where(o => o != AzureFunction.ReturnBinding))
        {
            writer.WritePropertyName(output);
            Value(writer, result);
        }
        writer.WriteEndObject();
        Logs(writer, null);
        writer.WritePropertyName("ReturnValue");
        Value(writer, result);
    });

    private static void Value(Utf8JsonWriter writer, byte[]? json)
    {
        if (json is null) writer.WriteNullValue(); else writer.WriteRawValue(json, skipInputValidation: true);
    }

    private static void Logs(Utf8JsonWriter writer, string? line)
    {
        writer.WriteStartArray("Logs");
        if (line is not null) writer.WriteStringValue(line);
        writer.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, HostJson.HumanReadable))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
