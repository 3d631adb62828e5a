using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Exporting.Targets.Oci;

public sealed record OciExportRequest
{
    /// <summary>A .nupkg path or <c>id@version</c>, installed exactly as <c>fnpkg install</c> does (into a temp root).</summary>
    public required InstallRequest Install { get; init; }
    /// <summary>The folder holding the function host (FunctionPackage.Host.dll and its files): the image's host layer.</summary>
    public required string HostDirectory { get; init; }
    /// <summary>Push to this <c>registry/repository[:tag]</c> (tag default: the package version)…</summary>
    public string? Image { get; init; }
    /// <summary>…or write an OCI image layout tar here.</summary>
    public string? Output { get; init; }
    /// <summary>Where the Knative Service goes; default <c>service.yaml</c> beside <see cref="Output"/>, else in the working directory.</summary>
    public string? ServiceManifest { get; init; }
    /// <summary>Default: <see cref="OciExporter.DefaultBaseImage"/>.</summary>
    public string? BaseImage { get; init; }
    public string Platform { get; init; } = "linux/amd64";
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    public RuntimeConfiguration Runtime { get; init; } = new();
    /// <summary>Scratch space (the temp install root, layers, downloaded base blobs); deleted afterwards.</summary>
    public string TempFolder { get; init; } = Path.GetTempPath();
}

/// <summary>What an export made. PinnedImage: registry/repository@sha256:… (pushed), or <c>&lt;id&gt;@sha256:…</c> for a tar.</summary>
public sealed record OciExportResult(
    string Digest,
    string PinnedImage,
    string? OutputPath,
    string ServiceManifestPath,
    string ServiceName,
    long BytesUploaded,
    IReadOnlyList<string> LayerDigests,
    string FunctionLayerDigest);
