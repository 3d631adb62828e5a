using System.IO.Compression;
using FunctionPackage.Oci.Model;

namespace FunctionPackage.Oci.Layers;

/// <summary>A written layer: the gzip file on disk and the two digests an image needs.</summary>
/// <param name="Descriptor">Media type, <c>digest</c> (sha256 of the compressed bytes) and size.</param>
/// <param name="DiffId">sha256 of the uncompressed tar, for the config's <c>rootfs.diff_ids</c>.</param>
/// <param name="Path">The layer blob on disk.</param>
public sealed record Layer(Descriptor Descriptor, string DiffId, string Path);

/// <summary>
/// Writes reproducible layers: the same entries give the same bytes, so the same digest. The tar streams through gzip
/// to a temp file (never the whole layer in memory) that is moved into place when complete.
/// </summary>
public static class LayerWriter
{
    /// <summary>zlib's default level: a fixed level is part of what makes the bytes reproducible.</summary>
    public const CompressionLevel Level = CompressionLevel.Optimal;

    /// <summary>The mtime of every entry: <c>SOURCE_DATE_EPOCH</c> when set (reproducible-builds.org), else 0.</summary>
    public static long DefaultMtime()
    {
        var value = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
    }

    /// <summary>Writes <paramref name="entries"/> (completed and sorted first) as a tar+gzip layer at <paramref name="destination"/>.</summary>
    public static Layer Write(IEnumerable<LayerEntry> entries, string destination, string mediaType = MediaTypes.OciLayerGzip, long? mtime = null)
    {
        var sorted = LayerContent.Complete(entries);
        var temp = destination + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            string digest, diffId;
            long size;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var compressed = new HashingStream(file, leaveOpen: true))
            {
                // GZipStream writes a fixed header: no file name, mtime 0, no flags.
                using (var gzip = new GZipStream(compressed, Level, leaveOpen: true))
                using (var tar = new HashingStream(gzip, leaveOpen: true))
                {
                    var writer = new ReproducibleTarWriter(tar, mtime ?? DefaultMtime());
                    foreach (var entry in sorted) writer.Write(entry);
                    writer.Finish();
                    tar.Flush();
                    diffId = tar.Digest;
                }
                digest = compressed.Digest;
                size = compressed.BytesCounted;
            }
            File.Move(temp, destination, overwrite: true);
            return new Layer(new Descriptor { MediaType = mediaType, Digest = digest, Size = size }, diffId, destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OciErrors.Output(destination, e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes the layer into <paramref name="blobFolder"/> under its digest's hex name.</summary>
    public static Layer WriteToFolder(IEnumerable<LayerEntry> entries, string blobFolder, string mediaType = MediaTypes.OciLayerGzip, long? mtime = null)
    {
        Directory.CreateDirectory(blobFolder);
        var staging = Path.Combine(blobFolder, "layer-" + Guid.NewGuid().ToString("N"));
        var layer = Write(entries, staging, mediaType, mtime);
        var final = Path.Combine(blobFolder, Digest.Hex(layer.Descriptor.Digest));
        File.Move(staging, final, overwrite: true);
        return layer with { Path = final };
    }
}
