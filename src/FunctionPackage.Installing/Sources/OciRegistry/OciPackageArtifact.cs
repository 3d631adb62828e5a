using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Installing.Sources.OciRegistry;

/// <summary>
/// How a function package lives in an OCI registry: the unchanged .nupkg as an OCI 1.1 artifact (ORAS's shape, see
/// <see cref="Oci.Output.OciArtifacts"/>): <see cref="ArtifactType"/>, the empty config, one layer of
/// <see cref="LayerMediaType"/> titled with the package's file name, and the package's id and version as annotations.
/// </summary>
public static class OciPackageArtifact
{
    /// <summary>Our own artifact type: a manifest of any other type (an image, a signature, an SBOM) is not a package.</summary>
    public const string ArtifactType = "application/vnd.functionpackage.package.v1";
    /// <summary>The layer is the .nupkg itself, byte for byte (a zip).</summary>
    public const string LayerMediaType = "application/vnd.functionpackage.package.v1+zip";
    public const string IdAnnotation = "dev.functionpackage.package.id";
    public const string VersionAnnotation = "dev.functionpackage.package.version";
    /// <summary>The standard annotation for the version, read by generic registry UIs.</summary>
    public const string OciVersionAnnotation = "org.opencontainers.image.version";

    public const string Scheme = "oci://";

    public static bool IsOciReference(string text) => text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>oci://registry/repository[:tag][@sha256:digest]</c>.</summary>
    /// <exception cref="FunctionPackageException">FPKG5260: not an oci:// reference, or not a valid image reference.</exception>
    public static ImageReference ParseReference(string text)
    {
        if (!IsOciReference(text)) throw new FunctionPackageException(DiagnosticCodes.OciReferenceInvalid, DiagnosticMessages.Format("FPKG5260", text));
        try
        {
            return ImageReference.Parse(text[Scheme.Length..]);
        }
        catch (OciException ex)
        {
            throw new FunctionPackageException(DiagnosticCodes.OciReferenceInvalid, DiagnosticMessages.Format("FPKG5260_2", text, ex.Message), ex);
        }
    }

    /// <summary>
    /// The one place that turns the registry client's FPKG60xx failures into install codes (the FPKG60xx code and its
    /// fix stay in the message): not found, access denied, not our artifact or wrong bytes, else the registry failed.
    /// </summary>
    public static FunctionPackageException Failure(OciException ex, string what)
    {
        var (code, key) = ex.Code switch
        {
            OciErrors.ManifestNotFound or OciErrors.BlobNotFound => (DiagnosticCodes.OciPackageNotFound, "FPKG5261"),
            OciErrors.Unauthorized or OciErrors.Forbidden or OciErrors.BadCredentialsFile or OciErrors.TokenEndpointFailed => (DiagnosticCodes.OciAccessDenied, "FPKG5263"),
            OciErrors.NotExpectedArtifact or OciErrors.UnknownMediaType => (DiagnosticCodes.OciNotAFunctionPackage, "FPKG5264"),
            OciErrors.DigestMismatch => (DiagnosticCodes.OciDigestMismatch, "FPKG5265"),
            OciErrors.InvalidReference => (DiagnosticCodes.OciReferenceInvalid, "FPKG5260_2"),
            _ => (DiagnosticCodes.OciRegistryFailed, "FPKG5262"),
        };
        return new FunctionPackageException(code, DiagnosticMessages.Format(key, what, ex.Message), ex);
    }

    /// <summary>Registry settings for one command: the registries named insecure (plain HTTP), credentials as users have them.</summary>
    public static RegistryOptions Options(IEnumerable<string> insecureRegistries, TimeSpan requestTimeout) => new()
    {
        InsecureRegistries = new HashSet<string>(insecureRegistries, StringComparer.OrdinalIgnoreCase),
        Timeout = requestTimeout,
    };
}
