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
        Description = "Write the export to this path instead of pushing it (oci, openwhisk: an OCI image layout tar).",
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

    /// <summary>In the order --help lists them.</summary>
    public IReadOnlyList<Option> All => new Option[] { Image, Output, ServiceManifest, BaseImage, Platform, ActionName };

    /// <summary>The options the user typed (a default value is not "given").</summary>
    public IEnumerable<Option> Given(ParseResult parse) => All.Where(option => parse.GetResult(option) is { Implicit: false });
}
