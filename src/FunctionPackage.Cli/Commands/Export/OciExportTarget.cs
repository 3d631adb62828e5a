using System.CommandLine;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Exporting.Targets.Oci;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands.Export;

/// <summary><c>--target oci</c>: an image for Knative, Cloud Run or any OCI runtime, pushed or written as a layout tar, and a Knative Service pinned by digest.</summary>
internal sealed class OciExportTarget : IExportTarget
{
    public string Name => "oci";

    public string Summary => "an OCI image for Knative, Cloud Run or any OCI runtime (pushed with --image, or a layout tar with --output)";

    public IEnumerable<Option> Accepts(ExportOptions options) =>
        new Option[] { options.Image, options.Output, options.ServiceManifest, options.BaseImage, options.Platform };

    public async Task<int> ExportAsync(ExportInvocation invocation, CancellationToken cancellationToken)
    {
        var (parse, options) = (invocation.Parse, invocation.Options);
        var request = new OciExportRequest
        {
            Install = invocation.Install,
            HostDirectory = invocation.HostDirectory,
            Image = parse.GetValue(options.Image),
            Output = parse.GetValue(options.Output),
            ServiceManifest = parse.GetValue(options.ServiceManifest),
            BaseImage = parse.GetValue(options.BaseImage),
            Platform = parse.GetValue(options.Platform)!,
            InsecureRegistries = new HashSet<string>(invocation.Install.InsecureRegistries, StringComparer.OrdinalIgnoreCase),
            Runtime = invocation.Runtime,
        };
        var result = await new OciExporter(invocation.LoggerFactory.CreateLogger<OciExporter>()).ExportAsync(request, cancellationToken);
        var output = invocation.Output;
        output.Write($"{result.Digest}\n");
        output.Write($"image: {result.PinnedImage}\n");
        if (result.OutputPath is not null) output.Write($"layout: {result.OutputPath}\n");
        output.Write($"service manifest: {result.ServiceManifestPath}\n");
        output.Write($"deploy (Knative): kubectl apply -f {result.ServiceManifestPath}\n");
        output.Write($"deploy (Cloud Run): gcloud run deploy {result.ServiceName} --image {result.PinnedImage} --port {OciExporter.Port}\n");
        return ExitCodes.Success;
    }
}
