using FunctionPackage.Host.Protocols.LambdaRuntimeApi;

namespace FunctionPackage.Host.Protocols;

/// <summary>The protocols <c>serve</c> speaks (<c>--protocol</c>), and the one it picks when none is given.</summary>
public static class HostProtocols
{
    /// <summary>CloudEvents over HTTP, <c>POST /</c> (Protocols/CloudEventsHttp): the default.</summary>
    public const string CloudEventsHttp = "cloudevents-http";
    /// <summary>The AWS Lambda Runtime API client (Protocols/LambdaRuntimeApi).</summary>
    public const string AwsLambda = "aws-lambda";

    public static IReadOnlyList<string> All { get; } = new[] { CloudEventsHttp, AwsLambda };

    /// <summary>
    /// <paramref name="given"/> when <c>--protocol</c> was passed; otherwise the vendor's own unambiguous marker decides:
    /// <c>AWS_LAMBDA_RUNTIME_API</c> is set only by Lambda (and its emulator) for the runtime → aws-lambda. Else cloudevents-http.
    /// </summary>
    public static string Resolve(string? given, Func<string, string?> environment)
    {
        if (given is not null) return given;
        return string.IsNullOrEmpty(environment(LambdaRuntimeClient.RuntimeApiVariable)) ? CloudEventsHttp : AwsLambda;
    }
}
