using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Output;

/// <summary>
/// OCI 1.1 referrers: small documents (an SBOM, a signature, an attestation) stored beside what they describe, as an
/// artifact whose <c>subject</c> is that manifest, untagged, found through the referrers API or, where the registry
/// lacks it, the tag schema's index <c>sha256-&lt;hex&gt;</c> (both handled by <see cref="RegistryClient"/>).
/// The shape is ORAS's: <c>artifactType</c>, the empty config, one layer holding the document with its title.
/// </summary>
public static class OciReferrers
{
    /// <summary>
    /// Pushes <paramref name="content"/> as a referrer of <paramref name="subject"/> in <paramref name="repository"/>, by
    /// digest. The manifest's bytes depend only on its inputs, so pushing it again uploads nothing (each blob is HEADed
    /// first) and adds nothing to the referrers index.
    /// </summary>
    public static async Task<Descriptor> PushAsync(RegistryClient client, string repository, Descriptor subject, string artifactType, string layerMediaType,
        string title, byte[] content, IReadOnlyDictionary<string, string>? annotations = null, CancellationToken cancellationToken = default)
    {
        var layer = Descriptor.Of(layerMediaType, content) with
        {
            Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Annotations.Title] = title },
        };
        // Only what identifies the subject: a platform or annotations of the subject's descriptor would change the bytes.
        var subjectDescriptor = new Descriptor { MediaType = subject.MediaType, Digest = subject.Digest, Size = subject.Size };
        var manifest = OciArtifacts.Manifest(artifactType, layer, subjectDescriptor, annotations);
        await client.UploadBlobAsync(repository, Descriptor.Empty, () => new MemoryStream(Descriptor.EmptyJson, writable: false), cancellationToken).ConfigureAwait(false);
        await client.UploadBlobAsync(repository, layer, () => new MemoryStream(content, writable: false), cancellationToken).ConfigureAwait(false);
        var digest = Digest.Of(OciJson.Serialize(manifest));
        return await client.PutManifestAsync(repository, digest, manifest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The referrers of <paramref name="subjectDigest"/> of <paramref name="artifactType"/> (all when null), as the registry lists them.</summary>
    public static Task<IReadOnlyList<Descriptor>> ListAsync(RegistryClient client, string repository, string subjectDigest, string? artifactType = null,
        CancellationToken cancellationToken = default) =>
        client.GetReferrersAsync(repository, subjectDigest, artifactType, cancellationToken);

    /// <summary>
    /// Reads the one layer of the referrer <paramref name="referrer"/> into memory (bounded by
    /// <see cref="RegistryOptions.MaxDocumentSize"/>, digest-checked). Its manifest must name <paramref name="subjectDigest"/>
    /// as its subject (FPKG6021: a referrers list cannot attach a document to another manifest) and be of
    /// <paramref name="artifactType"/> with exactly one layer (FPKG6020).
    /// </summary>
    public static async Task<byte[]> ReadAsync(RegistryClient client, string repository, string subjectDigest, Descriptor referrer, string artifactType,
        CancellationToken cancellationToken = default)
    {
        var (_, manifest) = await OciArtifacts.GetManifestAsync(client, repository, referrer.Digest, artifactType, cancellationToken).ConfigureAwait(false);
        if (manifest.Subject?.Digest != subjectDigest)
        {
            throw OciErrors.NotAReferrerOf($"The referrer {client.Registry}/{repository}@{referrer.Digest}", subjectDigest, manifest.Subject?.Digest);
        }
        return await client.GetBlobBytesAsync(repository, manifest.Layers[0], cancellationToken).ConfigureAwait(false);
    }
}
