using System.CommandLine;

namespace FunctionPackage.Cli.Commands.Export;

/// <summary>
/// Every target-specific option of <c>fnpkg export</c>, declared once: a name means the same for every target that
/// accepts it (<see cref="IExportTarget.Accepts"/>), and one given to a target that does not is FPKG7006. Options every
/// target shares are the export command's (runtime options, sources, timeouts and --insecure-registry, which the install
/// request carries for oci:// packages and registry targets alike).
/// </summary>
internal sealed class ExportOptions
{
    public Option<string?> Image { get; } = new("--image")
    {
        Description = "Push the image to registry/repository[:tag] (tag default: the package version). Targets: oci, openwhisk.",
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "Write the export to this path instead of pushing it (oci, openwhisk: an OCI image layout tar; aws-lambda: the deployment zip).",
    };

    public Option<string?> ServiceManifest { get; } = new("--service-manifest")
    {
        Description = "Where to write the Knative Service pinned by digest (default: service.yaml beside --output, else in the current folder). Targets: oci.",
    };

    public Option<string?> BaseImage { get; } = new("--base-image")
    {
        Description = "The image to build on (default: the official ASP.NET Core runtime image of the host's .NET major). It must have the host's .NET runtime and ASP.NET Core. Targets: oci, openwhisk.",
    };

    public Option<string> Platform { get; } = new("--platform")
    {
        Description = "The image's os/architecture[/variant], chosen from the base image's index. Targets: oci, openwhisk.",
        DefaultValueFactory = _ => "linux/amd64",
    };

    public Option<string?> ActionName { get; } = new("--action-name")
    {
        Description = "The action's name in the printed wsk action create (default: the package id as a DNS label, e.g. hello-function). Targets: openwhisk.",
    };

    public Option<string?> Trigger { get; } = new("--trigger")
    {
        Description = "What invokes the function: http (default; POST /<function-name>), queue (a Storage queue message, --queue-name) or eventgrid (an Event Grid event). Targets: azure-functions.",
    };

    public Option<string?> FunctionName { get; } = new("--function-name")
    {
        Description = "The Azure function's name: its folder and path (default: the package id, dots as '-'). Targets: azure-functions.",
    };

    public Option<string[]> HttpMethod { get; } = new("--http-method")
    {
        Description = "An HTTP method the http trigger takes (default post). Repeatable. Targets: azure-functions.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> AuthLevel { get; } = new("--auth-level")
    {
        Description = "The http trigger's authLevel: anonymous, function (default) or admin. Targets: azure-functions.",
    };

    public Option<bool> ForwardHttp { get; } = new("--forward-http")
    {
        Description = "host.json enableForwardingHttpRequest: the caller's HTTP request reaches the handler as is (http trigger only). Targets: azure-functions.",
    };

    public Option<string?> QueueName { get; } = new("--queue-name")
    {
        Description = "The Storage queue the queue trigger listens to (required with --trigger queue). Targets: azure-functions.",
    };

    public Option<string?> QueueConnection { get; } = new("--queue-connection")
    {
        Description = "The app setting holding the queue's storage connection (default AzureWebJobsStorage). Targets: azure-functions.",
    };

    public Option<bool> FrameworkDependent { get; } = new("--framework-dependent")
    {
        Description = "The platform has .NET: the handler is `dotnet exec` of the host instead of a self-contained linux-x64 executable. Targets: azure-functions.",
    };

    public Option<bool> SelfContained { get; } = new("--self-contained")
    {
        Description = "Ship the host self-contained (.NET from the runtime packs on the sources, invariant globalization) for a platform without .NET. Targets: aws-lambda (a provided.al2023 zip with a bootstrap).",
    };

    public Option<string?> RuntimeIdentifier { get; } = new("--runtime", "-r")
    {
        Description = "The platform's runtime identifier: linux-x64 (default) or linux-arm64; the export keeps only that RID's runtimes/ assets (and, for linux-x64, fnpkg's ReadyToRun host). Targets: aws-lambda (x86_64 or arm64), azure-functions (the self-contained handler's RID; with --framework-dependent, the plan's architecture — left out, an app for any plan).",
    };

    public Option<string?> RuntimeVersion { get; } = new("--runtime-version")
    {
        Description = "For a self-contained host: the .NET runtime packs' version (one fnpkg pins; default the newest pinned of the host's major). Targets: aws-lambda (with --self-contained), azure-functions (without --framework-dependent).",
    };

    /// <summary>In the order --help lists them.</summary>
    public IReadOnlyList<Option> All => new Option[] { Image, Output, ServiceManifest, BaseImage, Platform, ActionName,
        Trigger, FunctionName, HttpMethod, AuthLevel, ForwardHttp, QueueName, QueueConnection, FrameworkDependent,
        SelfContained, RuntimeIdentifier, RuntimeVersion };

    /// <summary>The options the user typed (a default value is not "given").</summary>
    public IEnumerable<Option> Given(ParseResult parse) => All.Where(option => parse.GetResult(option) is { Implicit: false });
}
