using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FunctionPackage.Cli.Tests.Signing;

/// <summary>A code-signing certificate made for a test: its PFX (leaf with key + its issuer) and SHA-256 fingerprint.</summary>
public sealed record SigningCertificate(string PfxPath, string Password, string Fingerprint, DateTimeOffset NotAfter, string SignerHome);

/// <summary>
/// Test certificates made with <see cref="CertificateRequest"/>: a self-signed root (CA, keyCertSign) and leaves it
/// issues with the code-signing EKU, as NuGet requires of an author certificate. The roots are in no root store: a
/// verifier trusts them only through a pinned fingerprint (allowUntrustedRoot), which is what the tests exercise.
/// </summary>
public static class TestCertificates
{
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    public static X509Certificate2 CreateRoot(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=FunctionPackage tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
    }

    /// <summary>A leaf issued by <paramref name="root"/>, valid from a day ago until <paramref name="notAfter"/>, written as a PFX into <paramref name="folder"/>.</summary>
    public static SigningCertificate CreateLeaf(X509Certificate2 root, string name, DateTimeOffset notAfter, string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=FunctionPackage tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(CodeSigningEku) }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(root, DateTimeOffset.UtcNow.AddDays(-1), notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        const string password = "test-password";
        var pfx = new X509Certificate2Collection { withKey, X509CertificateLoader.LoadCertificate(root.RawData) }.Export(X509ContentType.Pkcs12, password)!;
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, pfx);
        // The signer's HOME: .NET's per-user intermediate store (CurrentUser\CA, a folder of certificate files) holds the root, so
        // `dotnet nuget sign` finds the chain's end; its own trust bundle still says the root is untrusted (--allow-untrusted-root).
        var home = Path.Combine(folder, name + ".home");
        var store = Directory.CreateDirectory(Path.Combine(home, ".dotnet", "corefx", "cryptography", "x509stores", "ca")).FullName;
        File.WriteAllBytes(Path.Combine(store, root.Thumbprint + ".pfx"), root.Export(X509ContentType.Pkcs12));
        return new SigningCertificate(path, password, issued.GetCertHashString(HashAlgorithmName.SHA256), notAfter, home);
    }
}
