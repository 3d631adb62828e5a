using FunctionPackage.Host.Protocols.AzureCustomHandler;
using FunctionPackage.Host.Protocols.LambdaRuntimeApi;

namespace FunctionPackage.Host.Protocols;

/// <summary>The protocols <c>serve</c> speaks (<c>--protocol</c>), and the one it picks when none is given.</summary>
public static class HostProtocols
{
    /// <summary>CloudEvents over HTTP, <c>POST /</c> (Protocols/CloudEventsHttp): the default.</summary>
    public const string CloudEventsHttp = "cloudevents-http";
    /// <summary>The AWS Lambda Runtime API client (Protocols/LambdaRuntimeApi).</summary>
    public const string AwsLambda = "aws-lambda";
    /// <summary>The Apache OpenWhisk action proxy, <c>/init</c> and <c>/run</c> (Protocols/OpenWhiskActionProxy). No marker: the image's entrypoint passes it.</summary>
    public const string OpenWhisk = "openwhisk";
    /// <summary>The Azure Functions custom handler (Protocols/AzureCustomHandler).</summary>
    public const string AzureFunctions = "azure-functions";

    public static IReadOnlyList<string> All { get; } = new[] { CloudEventsHttp, AwsLambda, OpenWhisk, AzureFunctions };

    /// <summary>
    /// <paramref name="given"/> when <c>--protocol</c> was passed; otherwise the vendor's own unambiguous marker decides:
    /// <c>AWS_LAMBDA_RUNTIME_API</c> is set only by Lambda (and its emulator) for the runtime → aws-lambda;
    /// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> only by the Azure Functions host for a custom handler → azure-functions. Else cloudevents-http.
    /// </summary>
    public static string Resolve(string? given, Func<string, string?> environment)
    {
        if (given is not null) return given;
        if (!string.IsNullOrEmpty(environment(LambdaRuntimeClient.RuntimeApiVariable))) return AwsLambda;
        if (!string.IsNullOrEmpty(environment(AzureFunctionApp.PortVariable))) return AzureFunctions;
        return CloudEventsHttp;
    }
}
