using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Packages;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Installing.Sources.OciRegistry;

/// <summary>An SBOM read through its referrer: the bytes, and the digests of the referrer and of the package it describes.</summary>
public sealed record OciSbom(byte[] Content, string ReferrerDigest, string PackageDigest);

/// <summary>
/// <c>fnpkg sbom oci://…</c>: the SBOM <c>fnpkg push</c> attached to a package as a referrer, read without downloading
/// the package (the referrers API, or the tag schema's <c>sha256-&lt;hex&gt;</c> index where the registry lacks it).
/// </summary>
public sealed class OciSbomReader
{
    private readonly Func<string, RegistryClient> _connect;

    public OciSbomReader(Func<string, RegistryClient> connect) => _connect = connect;

    /// <summary>The package's SBOM referrer's content, or null when the package has none (pushed without an SBOM, or by an older fnpkg).</summary>
    /// <exception cref="FunctionPackageException">FPKG5290 when it has several; FPKG5261–5265 when the registry fails or the reference is not a package.</exception>
    public async Task<OciSbom?> ReadAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        using var client = _connect(reference.Registry);
        var what = OciPackageArtifact.Scheme + reference;
        try
        {
            var (package, referrers) = await FunctionPackageArtifact.FindSbomReferrersAsync(client, reference.Repository, reference.Reference, cancellationToken);
            if (referrers.Count == 0) return null;
            // One package has one SBOM, so one referrer: several mean someone pushed others in its name; which is meant is unknowable.
            if (referrers.Count > 1)
            {
                throw new FunctionPackageException(DiagnosticCodes.OciSbomAmbiguous,
                    DiagnosticMessages.Format("FPKG5290", what, referrers.Count, string.Join(", ", referrers.Select(r => r.Digest))));
            }
            var content = await FunctionPackageArtifact.ReadSbomAsync(client, reference.Repository, package, referrers[0], cancellationToken);
            return new OciSbom(content, referrers[0].Digest, package.Digest);
        }
        catch (OciException ex)
        {
            throw OciPackageArtifact.Failure(ex, what);
        }
    }
}
