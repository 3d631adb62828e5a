using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Packages;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Installing.Sources.OciRegistry;

/// <summary>What <see cref="OciPackagePusher.PushAsync"/> stored: the manifest's digest under a tag, whether anything was sent, and the SBOM referrer's digest (null when nothing new was pushed or the package has no SBOM).</summary>
public sealed record OciPushResult(string Id, string Version, ImageReference Reference, string Digest, bool AlreadyPresent, long BytesUploaded, string? SbomDigest = null);

/// <summary>
/// <c>fnpkg push</c>: verifies a package as install does, then stores it with <see cref="FunctionPackageArtifact.PushAsync"/>
/// (the unchanged .nupkg as an OCI 1.1 artifact, its <c>sbom.cdx.json</c> as a referrer) tagged with the package's
/// version unless a tag is given. The manifest's bytes depend only on the package, so pushing it again is one manifest
/// HEAD and no upload.
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
        FunctionManifest manifest;
        byte[]? sbom;
        using (var archive = FunctionPackageArchive.Open(packagePath))
        {
            manifest = _verifier.Verify(archive).EnsureValid();
            // Verified: files[] pins the SBOM's hash, so the referrer holds what the SDK wrote.
            sbom = archive.Find(FunctionPackageFormat.SbomPath) is { } entry ? ReadAll(archive, entry) : null;
        }
        // A tag cannot hold '+' (build metadata); the normalized version has none.
        var tag = target.Tag ?? manifest.Version;
        var reference = target with { Tag = tag, Digest = null };
        using var client = _connect(reference.Registry);
        try
        {
            var pushed = await FunctionPackageArtifact.PushAsync(client, reference.Repository, tag, packagePath, manifest.Id, manifest.Version, sbom, cancellationToken);
            return new OciPushResult(manifest.Id, manifest.Version, reference, pushed.Digest, pushed.AlreadyPresent, pushed.BytesUploaded, pushed.SbomReferrer?.Digest);
        }
        catch (OciException ex)
        {
            throw OciPackageArtifact.Failure(ex, OciPackageArtifact.Scheme + reference);
        }
    }

    private static byte[] ReadAll(FunctionPackageArchive archive, ArchiveEntry entry)
    {
        using var stream = archive.OpenRead(entry);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
