using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;

namespace FunctionPackage.Oci.Output;

/// <summary>
/// Writes an image as an OCI image layout in a tar (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>), the
/// form <c>skopeo copy oci-archive:</c> and <c>podman load</c> read. Written to a temp file next to the output and moved
/// into place: a failed write leaves no file.
/// </summary>
public static class OciLayoutWriter
{
    public static readonly byte[] LayoutFile = "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray();

    public static async Task WriteAsync(BuiltImage image, string outputPath, string? tag, BlobResolver blobs, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(outputPath);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            var entries = new List<LayerEntry>
            {
                LayerEntry.File("oci-layout", LayoutFile),
                LayerEntry.File("index.json", IndexJson(image, tag)),
                LayerEntry.File($"blobs/sha256/{Digest.Hex(image.Digest)}", image.ManifestBytes),
                LayerEntry.File($"blobs/sha256/{Digest.Hex(image.Manifest.Config.Digest)}", image.ConfigBytes),
            };
            foreach (var blob in image.Layers.DistinctBy(b => b.Descriptor.Digest))
            {
                var path = await blobs.LocalPathAsync(blob, cancellationToken).ConfigureAwait(false);
                entries.Add(LayerEntry.FromDisk($"blobs/sha256/{Digest.Hex(blob.Descriptor.Digest)}", path));
            }
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var writer = new ReproducibleTarWriter(file, LayerWriter.DefaultMtime());
                foreach (var entry in LayerContent.Complete(entries.DistinctBy(e => e.Path))) writer.Write(entry);
                writer.Finish();
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OciErrors.Output(full, e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static byte[] IndexJson(BuiltImage image, string? tag)
    {
        var descriptor = image.ManifestDescriptor with
        {
            Annotations = tag is null ? null : new SortedDictionary<string, string>(StringComparer.Ordinal) { [Annotations.RefName] = tag },
        };
        return OciJson.Serialize(new ImageIndex { Manifests = new[] { descriptor } });
    }
}
