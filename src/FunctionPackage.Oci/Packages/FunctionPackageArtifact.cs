using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Packages;

/// <summary>What <see cref="FunctionPackageArtifact.PushAsync"/> stored: the package manifest's digest, whether the tag already held it, bytes sent, the SBOM referrer.</summary>
public sealed record PackagePushResult(string Digest, bool AlreadyPresent, long BytesUploaded, Descriptor? SbomReferrer);

/// <summary>
/// How a function package lives in an OCI registry, the one definition <c>fnpkg push</c> and the SDK's
/// <c>FunctionPackagePush</c> target share: the unchanged .nupkg as an OCI 1.1 artifact (<see cref="OciArtifacts"/>:
/// <see cref="ArtifactType"/>, the empty config, one layer titled with the file name, id and version annotations), and
/// its SBOM (<c>sbom.cdx.json</c>) as a referrer of it (<see cref="OciReferrers"/>, <see cref="SbomArtifactType"/>).
/// </summary>
public static class FunctionPackageArtifact
{
    /// <summary>Our own artifact type: a manifest of any other type (an image, a signature, an SBOM) is not a package.</summary>
    public const string ArtifactType = "application/vnd.functionpackage.package.v1";
    /// <summary>The layer is the .nupkg itself, byte for byte (a zip).</summary>
    public const string LayerMediaType = "application/vnd.functionpackage.package.v1+zip";
    public const string IdAnnotation = "dev.functionpackage.package.id";
    public const string VersionAnnotation = "dev.functionpackage.package.version";
    /// <summary>The standard annotation for the version, read by generic registry UIs.</summary>
    public const string OciVersionAnnotation = "org.opencontainers.image.version";

    /// <summary>CycloneDX's registered JSON media type: the SBOM referrer's <c>artifactType</c> and layer type (what `oras discover`, Trivy and Harbor look for).</summary>
    public const string SbomArtifactType = "application/vnd.cyclonedx+json";
    /// <summary>The SBOM's name in the package and the referrer layer's title.</summary>
    public const string SbomFileName = "sbom.cdx.json";

    private static Dictionary<string, string> IdentityAnnotations(string id, string version) => new()
    {
        [IdAnnotation] = id,
        [VersionAnnotation] = version,
        [OciVersionAnnotation] = version,
    };

    /// <summary>
    /// Pushes the package at <paramref name="packagePath"/> under <paramref name="tag"/>, and <paramref name="sbom"/> (when
    /// the package has one) as its referrer. The tag is written last, once the package and its SBOM are stored, so a tag
    /// that already names this manifest means everything is there: that push is one manifest HEAD and uploads nothing.
    /// </summary>
    public static async Task<PackagePushResult> PushAsync(RegistryClient client, string repository, string tag, string packagePath, string id, string version,
        byte[]? sbom, CancellationToken cancellationToken = default)
    {
        Descriptor layer;
        await using (var file = File.OpenRead(packagePath))
        using (var hashing = new HashingStream(Stream.Null))
        {
            await file.CopyToAsync(hashing, cancellationToken).ConfigureAwait(false);
            layer = new Descriptor
            {
                MediaType = LayerMediaType, Digest = hashing.Digest, Size = hashing.BytesCounted,
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Annotations.Title] = Path.GetFileName(packagePath) },
            };
        }
        var manifest = OciArtifacts.Manifest(ArtifactType, layer, annotations: IdentityAnnotations(id, version));
        var package = Descriptor.Of(manifest.MediaType, OciJson.Serialize(manifest));
        if ((await client.HeadManifestAsync(repository, tag, cancellationToken).ConfigureAwait(false))?.Digest == package.Digest)
        {
            return new PackagePushResult(package.Digest, AlreadyPresent: true, BytesUploaded: 0, SbomReferrer: null);
        }

        var before = client.BytesUploaded;
        await client.UploadBlobAsync(repository, Descriptor.Empty, () => new MemoryStream(Descriptor.EmptyJson, writable: false), cancellationToken).ConfigureAwait(false);
        await client.UploadBlobAsync(repository, layer, () => File.OpenRead(packagePath), cancellationToken).ConfigureAwait(false);
        Descriptor? referrer = null;
        if (sbom is not null)
        {
            // The subject first (by digest, untagged), then what refers to it, then the tag.
            await client.PutManifestAsync(repository, package.Digest, manifest, cancellationToken).ConfigureAwait(false);
            referrer = await OciReferrers.PushAsync(client, repository, package, SbomArtifactType, SbomArtifactType, SbomFileName, sbom,
                IdentityAnnotations(id, version), cancellationToken).ConfigureAwait(false);
        }
        await client.PutManifestAsync(repository, tag, manifest, cancellationToken).ConfigureAwait(false);
        return new PackagePushResult(package.Digest, AlreadyPresent: false, client.BytesUploaded - before, referrer);
    }

    /// <summary>
    /// The package manifest <paramref name="reference"/> names (FPKG6020 when it is not a package) and its SBOM referrers:
    /// those of <see cref="SbomArtifactType"/> that carry this package's id annotation (what fnpkg pushed, not another tool's SBOM).
    /// </summary>
    public static async Task<(Descriptor Package, IReadOnlyList<Descriptor> SbomReferrers)> FindSbomReferrersAsync(RegistryClient client, string repository, string reference,
        CancellationToken cancellationToken = default)
    {
        var (package, manifest) = await OciArtifacts.GetManifestAsync(client, repository, reference, ArtifactType, cancellationToken).ConfigureAwait(false);
        var id = manifest.Annotations?.GetValueOrDefault(IdAnnotation);
        var referrers = await OciReferrers.ListAsync(client, repository, package.Digest, SbomArtifactType, cancellationToken).ConfigureAwait(false);
        var ours = referrers.Where(r => id is not null && r.Annotations?.GetValueOrDefault(IdAnnotation) == id).DistinctBy(r => r.Digest).ToList();
        return (package, ours);
    }

    /// <summary>The SBOM an SBOM referrer of <paramref name="package"/> holds (digest-checked; its subject must be the package).</summary>
    public static Task<byte[]> ReadSbomAsync(RegistryClient client, string repository, Descriptor package, Descriptor referrer, CancellationToken cancellationToken = default) =>
        OciReferrers.ReadAsync(client, repository, package.Digest, referrer, SbomArtifactType, cancellationToken);
}
