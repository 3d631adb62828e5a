using System.CommandLine;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.OpenWhisk;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands.Export;

/// <summary><c>--target openwhisk</c>: an Apache OpenWhisk docker action's image, pushed or written as a layout tar, and the <c>wsk action create</c> that deploys it.</summary>
internal sealed class OpenWhiskExportTarget : IExportTarget
{
    public string Name => "openwhisk";

    public string Summary => "an Apache OpenWhisk docker action: the oci image serving /init and /run (pushed with --image, or a layout tar with --output)";

    public IEnumerable<Option> Accepts(ExportOptions options) =>
        new Option[] { options.Image, options.Output, options.BaseImage, options.Platform, options.ActionName };

    public async Task<int> ExportAsync(ExportInvocation invocation, CancellationToken cancellationToken)
    {
        var (parse, options) = (invocation.Parse, invocation.Options);
        var request = new OpenWhiskExportRequest
        {
            Image = new FunctionImageRequest
            {
                Install = invocation.Install,
                HostDirectory = invocation.HostDirectory,
                Image = parse.GetValue(options.Image),
                Output = parse.GetValue(options.Output),
                BaseImage = parse.GetValue(options.BaseImage),
                Platform = parse.GetValue(options.Platform)!,
                InsecureRegistries = new HashSet<string>(invocation.Install.InsecureRegistries, StringComparer.OrdinalIgnoreCase),
                Runtime = invocation.Runtime,
            },
            ActionName = parse.GetValue(options.ActionName),
        };
        var result = await new OpenWhiskExporter(invocation.LoggerFactory.CreateLogger<OpenWhiskExporter>()).ExportAsync(request, cancellationToken);
        var output = invocation.Output;
        var image = result.Image;
        output.Write($"{image.Digest}\n");
        if (image.PushedImage is not null) output.Write($"image: {image.PushedImage}\n");
        if (image.OutputPath is not null)
        {
            var tag = image.PackageVersion.ToLowerInvariant();
            output.Write($"layout: {image.OutputPath}\n");
            output.Write($"push: skopeo copy oci-archive:{image.OutputPath}:{tag} docker://<registry>/<repository>:{tag}\n");
        }
        output.Write($"deploy (OpenWhisk): {OpenWhiskExporter.DeployCommand(result)}\n");
        return ExitCodes.Success;
    }
}
