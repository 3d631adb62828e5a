using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Output;

/// <summary>
/// Finds a blob's bytes on disk: its own path, else a cache folder (<c>&lt;cache&gt;/&lt;hex&gt;</c>) that it fills from
/// the blob's origin registry (digest-checked, through a temp file).
/// </summary>
public sealed class BlobResolver
{
    private readonly string _cacheFolder;
    private readonly Func<string, RegistryClient> _clientFor;

    /// <param name="cacheFolder">Where fetched blobs are kept.</param>
    /// <param name="clientFor">The client for a registry name (the caller owns and disposes them).</param>
    public BlobResolver(string cacheFolder, Func<string, RegistryClient> clientFor)
    {
        _cacheFolder = cacheFolder;
        _clientFor = clientFor;
    }

    public async Task<string> LocalPathAsync(ImageBlob blob, CancellationToken cancellationToken = default)
    {
        if (blob.LocalPath is { } own && File.Exists(own)) return own;
        var cached = Path.Combine(_cacheFolder, Digest.Hex(blob.Descriptor.Digest));
        if (File.Exists(cached)) return cached;
        if (blob.Origin is not { } origin) throw OciErrors.MissingLocalBlob(blob.Descriptor.Digest);
        Directory.CreateDirectory(_cacheFolder);
        await _clientFor(origin.Registry).DownloadBlobAsync(origin.Repository, blob.Descriptor, cached, cancellationToken).ConfigureAwait(false);
        return cached;
    }
}
