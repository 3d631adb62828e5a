using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Output;

/// <summary>What a push did: the manifest pushed and how many bytes and blobs it had to send.</summary>
public sealed record PushResult(Descriptor Manifest, long BytesUploaded, int BlobsUploaded, int BlobsSkipped, int BlobsMounted);

/// <summary>
/// Pushes a built image: every blob the repository lacks (HEAD first; mounted when it is in another repository of the
/// same registry), the config, then the manifest under its tag — last, so a failed push never leaves a tag. When the
/// tag already names this very manifest, one HEAD is all it costs (a registry accepts a manifest only with its blobs).
/// </summary>
public static class ImagePusher
{
    public static async Task<PushResult> PushAsync(BuiltImage image, RegistryClient client, string repository, string tag, BlobResolver blobs, CancellationToken cancellationToken = default)
    {
        if ((await client.HeadManifestAsync(repository, tag, cancellationToken).ConfigureAwait(false))?.Digest == image.Digest)
        {
            return new PushResult(image.ManifestDescriptor, 0, 0, image.Layers.Count + 1, 0);
        }
        long bytes = 0;
        int uploaded = 0, skipped = 0, mounted = 0;
        foreach (var blob in image.Layers)
        {
            if (await client.BlobExistsAsync(repository, blob.Descriptor.Digest, cancellationToken).ConfigureAwait(false))
            {
                skipped++;
                continue;
            }
            if (blob.Origin is { } origin && origin.Registry == client.Registry && origin.Repository != repository
                && await client.TryMountBlobAsync(repository, blob.Descriptor.Digest, origin.Repository, cancellationToken).ConfigureAwait(false))
            {
                mounted++;
                continue;
            }
            var path = await blobs.LocalPathAsync(blob, cancellationToken).ConfigureAwait(false);
            bytes += await client.UploadBlobAsync(repository, blob.Descriptor, () => File.OpenRead(path), cancellationToken).ConfigureAwait(false);
            uploaded++;
        }
        var config = image.Manifest.Config;
        var configSent = await client.UploadBlobAsync(repository, config, () => new MemoryStream(image.ConfigBytes, writable: false), cancellationToken).ConfigureAwait(false);
        bytes += configSent;
        if (configSent > 0) uploaded++;
        else skipped++;
        var (manifest, _) = await client.PutManifestAsync(repository, tag, image.Manifest.MediaType, image.ManifestBytes, cancellationToken).ConfigureAwait(false);
        return new PushResult(manifest, bytes, uploaded, skipped, mounted);
    }
}
