using FunctionPackage.Installing.Verification;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Installing.Sources.OciRegistry;

/// <summary>What <see cref="OciPackagePusher.PushAsync"/> stored: the manifest's digest under a tag, and whether anything was sent.</summary>
public sealed record OciPushResult(string Id, string Version, ImageReference Reference, string Digest, bool AlreadyPresent, long BytesUploaded);

/// <summary>
/// <c>fnpkg push</c>: verifies a package as install does, then stores the unchanged .nupkg as an OCI 1.1 artifact
/// (<see cref="OciPackageArtifact"/>) tagged with the package's version unless a tag is given. The manifest's bytes
/// depend only on the package, so pushing it again is one manifest HEAD and no upload.
/// </summary>
public sealed class OciPackagePusher
{
    private readonly PackageVerifier _verifier;
    private readonly Func<string, RegistryClient> _connect;

    public OciPackagePusher(PackageVerifier verifier, Func<string, RegistryClient> connect)
    {
        _verifier = verifier;
        _connect = connect;
    }

    /// <exception cref="Diagnostics.FunctionPackageException">
    /// The package fails verification (its FPKG50xx code), or the registry refused or failed (FPKG5261–5265).
    /// </exception>
    public async Task<OciPushResult> PushAsync(string packagePath, ImageReference target, CancellationToken cancellationToken)
    {
        var manifest = _verifier.Verify(packagePath).EnsureValid();
        // A tag cannot hold '+' (build metadata); the normalized version has none.
        var tag = target.Tag ?? manifest.Version;
        var reference = target with { Tag = tag, Digest = null };
        var annotations = new Dictionary<string, string>
        {
            [OciPackageArtifact.IdAnnotation] = manifest.Id,
            [OciPackageArtifact.VersionAnnotation] = manifest.Version,
            [OciPackageArtifact.OciVersionAnnotation] = manifest.Version,
        };
        using var client = _connect(reference.Registry);
        try
        {
            // Later: an SBOM (sbom.cdx.json) or a signature is pushed here as a referrer, with subject = pushed.
            var before = client.BytesUploaded;
            var requestsBefore = client.RequestCount;
            var pushed = await OciArtifacts.PushFileAsync(client, reference.Repository, tag, OciPackageArtifact.ArtifactType, OciPackageArtifact.LayerMediaType,
                packagePath, annotations: annotations, cancellationToken: cancellationToken);
            // PushFileAsync answers after one request exactly when the tag already held this manifest.
            var alreadyPresent = client.RequestCount - requestsBefore == 1;
            return new OciPushResult(manifest.Id, manifest.Version, reference, pushed.Digest, alreadyPresent, client.BytesUploaded - before);
        }
        catch (OciException ex)
        {
            throw OciPackageArtifact.Failure(ex, OciPackageArtifact.Scheme + reference);
        }
    }
}
