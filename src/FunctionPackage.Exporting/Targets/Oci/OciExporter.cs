using System.Text;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Shared;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Exporting.Targets.Oci;

/// <summary>
/// <c>fnpkg export --target oci</c>: the function's image (<see cref="FunctionImageExporter"/>: the package installed
/// against the base image, three layers — host, shared packages, function — pushed or written as an OCI layout tar),
/// serving CloudEvents over HTTP, and a Knative Service pinned by digest. Every check runs before anything is written
/// or pushed; the layers, config and manifest are reproducible (same package and options → same digest).
/// </summary>
public sealed class OciExporter
{
    /// <inheritdoc cref="FunctionImageExporter.ImageRoot"/>
    public const string ImageRoot = FunctionImageExporter.ImageRoot;
    public const string HostAssemblyName = FunctionImageExporter.HostAssemblyName;
    public const int Port = FunctionImageExporter.Port;
    /// <inheritdoc cref="FunctionImageExporter.User"/>
    public const string User = FunctionImageExporter.User;

    public const string LabelPackageId = FunctionImageExporter.LabelPackageId;
    public const string LabelPackageVersion = FunctionImageExporter.LabelPackageVersion;
    public const string LabelManifestSha512 = FunctionImageExporter.LabelManifestSha512;

    private readonly FunctionImageExporter _images;

    public OciExporter(ILogger logger) => _images = new FunctionImageExporter(logger);

    /// <inheritdoc cref="FunctionImageExporter.DefaultBaseImage"/>
    public static string DefaultBaseImage => FunctionImageExporter.DefaultBaseImage;

    public async Task<OciExportResult> ExportAsync(OciExportRequest request, CancellationToken cancellationToken = default)
    {
        FunctionImageExporter.CheckDestination(request.Image, request.Output);
        var workingDirectory = request.Install.WorkingDirectory;
        var output = request.Output is null ? null : Path.GetFullPath(request.Output, workingDirectory);
        var serviceManifest = Path.GetFullPath(request.ServiceManifest ?? Path.Combine(output is null ? workingDirectory : Path.GetDirectoryName(output)!, "service.yaml"), workingDirectory);

        var image = await _images.ExportAsync(new FunctionImageRequest
        {
            Install = request.Install,
            HostDirectory = request.HostDirectory,
            Image = request.Image,
            Output = request.Output,
            BaseImage = request.BaseImage,
            Platform = request.Platform,
            InsecureRegistries = request.InsecureRegistries,
            Runtime = request.Runtime,
            TempFolder = request.TempFolder,
        }, cancellationToken).ConfigureAwait(false);

        // Not in a registry yet (a tar): the name is a placeholder for where it will be pushed (docs/export.md).
        var name = KnativeService.NameFor(image.PackageId);
        var pinned = image.PushedImage ?? $"{name}@{image.Digest}";
        var yaml = KnativeService.Render(name, pinned, Port, request.Runtime);
        AtomicFile.Write(serviceManifest, stream => stream.Write(new UTF8Encoding(false).GetBytes(yaml)), cancellationToken: cancellationToken);
        return new OciExportResult(image.Digest, pinned, image.OutputPath, serviceManifest, name, image.BytesUploaded, image.LayerDigests, image.FunctionLayerDigest);
    }
}
