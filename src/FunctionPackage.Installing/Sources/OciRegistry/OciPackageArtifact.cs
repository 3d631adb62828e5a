using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Packages;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Installing.Sources.OciRegistry;

/// <summary>
/// How a function package lives in an OCI registry (<see cref="FunctionPackageArtifact"/>: the unchanged .nupkg as an
/// OCI 1.1 artifact, its SBOM as a referrer), and the install library's side of it: <c>oci://</c> references, the
/// mapping of registry failures to install codes, registry options.
/// </summary>
public static class OciPackageArtifact
{
    // The shape is defined once, in the OCI library, where the SDK's FunctionPackagePush target also reads it.
    public const string ArtifactType = FunctionPackageArtifact.ArtifactType;
    public const string LayerMediaType = FunctionPackageArtifact.LayerMediaType;
    public const string IdAnnotation = FunctionPackageArtifact.IdAnnotation;
    public const string VersionAnnotation = FunctionPackageArtifact.VersionAnnotation;
    public const string OciVersionAnnotation = FunctionPackageArtifact.OciVersionAnnotation;

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
            var access when OciErrors.IsAccessDenied(access) => (DiagnosticCodes.OciAccessDenied, "FPKG5263"),
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
