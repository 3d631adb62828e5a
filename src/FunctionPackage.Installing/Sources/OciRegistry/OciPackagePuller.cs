using FunctionPackage.Oci;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Installing.Sources.OciRegistry;

/// <summary>
/// Fetches the .nupkg of an <c>oci://</c> reference into a folder: the manifest is checked against the digest asked for
/// (or the registry's <c>Docker-Content-Digest</c> for a tag), the layer against the manifest, both streamed through a
/// temp file. What it fetched is then verified and installed exactly as a local .nupkg.
/// </summary>
public sealed class OciPackagePuller
{
    private readonly Func<string, RegistryClient> _connect;

    /// <param name="connect">Opens a client for a registry host (tests pass one with their options).</param>
    public OciPackagePuller(Func<string, RegistryClient> connect) => _connect = connect;

    /// <summary>Returns the path of the downloaded .nupkg inside <paramref name="destinationFolder"/>.</summary>
    /// <exception cref="Diagnostics.FunctionPackageException">FPKG5261–5265 (see <see cref="OciPackageArtifact.Failure"/>).</exception>
    public async Task<string> PullAsync(ImageReference reference, string destinationFolder, CancellationToken cancellationToken)
    {
        using var client = _connect(reference.Registry);
        try
        {
            var path = await OciArtifacts.PullFileAsync(client, reference.Repository, reference.Reference, OciPackageArtifact.ArtifactType, destinationFolder, cancellationToken);
            // The title names the file on disk: the installer reads it as a package, so it must look like one.
            if (!path.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase))
            {
                throw new OciException(OciErrors.NotExpectedArtifact, $"its layer is titled '{Path.GetFileName(path)}', not a .nupkg file");
            }
            return path;
        }
        catch (OciException ex)
        {
            throw OciPackageArtifact.Failure(ex, OciPackageArtifact.Scheme + reference);
        }
    }
}
