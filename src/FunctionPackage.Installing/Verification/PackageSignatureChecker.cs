using FunctionPackage.Installing.Diagnostics;
using NuGet.Common;
using NuGet.Packaging;
using NuGet.Packaging.Signing;

namespace FunctionPackage.Installing.Verification;

/// <summary>
/// Checks a package's NuGet signature (<c>.signature.p7s</c>, as <c>dotnet nuget sign</c> writes it) against a
/// <see cref="SignaturePolicy"/> with NuGet's own verifier and providers, composed as <c>dotnet nuget verify</c> composes
/// them: integrity (the signed content hash still matches), the signature's validity and chain trust (allowUntrustedRoot
/// entries exempted), the allow list. The signature file is not part of function.json's files[]: it signs the package's
/// content hash, which excludes it, so signing leaves every file hash and the manifest valid.
/// </summary>
public sealed class PackageSignatureChecker
{
    private readonly SignaturePolicy _policy;

    public PackageSignatureChecker(SignaturePolicy policy) => _policy = policy;

    /// <summary>The function package, against the whole policy.</summary>
    /// <exception cref="FunctionPackageException">FPKG5270–FPKG5275 when the policy refuses it.</exception>
    public Task CheckFunctionPackageAsync(string packagePath, string subject, CancellationToken cancellationToken)
        => CheckAsync(packagePath, subject, _policy.RequireSigned,
            _policy.ConfiguredSigners.Concat(_policy.CommandLineSigners).ToList(), requireNonEmptyAllowList: _policy.NuGetConfigRequires, cancellationToken);

    /// <summary>A dependency about to be added to the shared packages folder: checked only under NuGet.config's require mode, as restore checks it.</summary>
    public Task CheckDependencyAsync(string packagePath, string subject, CancellationToken cancellationToken)
        => _policy.NuGetConfigRequires
            ? CheckAsync(packagePath, subject, required: true, _policy.ConfiguredSigners.ToList(), requireNonEmptyAllowList: true, cancellationToken)
            : Task.CompletedTask;

    private static async Task CheckAsync(string packagePath, string subject, bool required, IReadOnlyCollection<TrustedSignerAllowListEntry> allowList,
        bool requireNonEmptyAllowList, CancellationToken cancellationToken)
    {
        var environment = EnvironmentVariableWrapper.Instance;
        var settings = required
            ? SignedPackageVerifierSettings.GetRequireModeDefaultPolicy(environment)
            : SignedPackageVerifierSettings.GetAcceptModeDefaultPolicy(environment);
        var untrustedRootAllowed = allowList.Where(e => e.AllowUntrustedRoot)
            .Select(e => new KeyValuePair<string, HashAlgorithmName>(e.Fingerprint, e.FingerprintAlgorithm)).ToList();
        var verifier = new PackageSignatureVerifier(new ISignatureVerificationProvider[]
        {
            new IntegrityVerificationProvider(),
            new SignatureTrustAndValidityVerificationProvider(untrustedRootAllowed),
            new AllowListVerificationProvider(allowList, requireNonEmptyAllowList,
                emptyListErrorMessage: "signatureValidationMode is require but NuGet.config lists no trustedSigners",
                noMatchErrorMessage: "its signing certificate is not one of the trusted signers"),
        });

        VerifySignaturesResult result;
        using (var reader = new PackageArchiveReader(packagePath))
        {
            try
            {
                result = await verifier.VerifySignaturesAsync(reader, settings, cancellationToken);
            }
            catch (Exception ex) when (ex is SignatureException or InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                throw new FunctionPackageException(DiagnosticCodes.SignatureInvalid, DiagnosticMessages.Format("FPKG5275", subject, ex.Message), ex);
            }
        }
        if (!result.IsSigned && !result.IsValid)
            throw new FunctionPackageException(DiagnosticCodes.SignatureMissing, DiagnosticMessages.Format("FPKG5270", subject));
        // Stricter than NuGet, which only warns (NU3037) when the certificate has expired and no timestamp proves it signed in
        // time: when a signature is required, such a signature proves nothing about when the package was signed.
        var expired = required ? result.Results.SelectMany(r => r.GetWarningIssues()).Where(w => w.Code == NuGetLogCode.NU3037).ToList() : new List<ILogMessage>();
        if (result.IsValid && expired.Count == 0) return;
        throw Refused(subject, result.Results.SelectMany(r => r.GetErrorIssues()).Concat(expired).ToList());
    }

    /// <summary>The one map from NuGet's signature codes to ours, most fundamental first (changed, then not trusted, expired, chain); every error is in the message.</summary>
    private static FunctionPackageException Refused(string subject, IReadOnlyList<ILogMessage> errors)
    {
        var details = errors.Count == 0 ? "NuGet reported no error message" : string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}"));
        var codes = errors.Select(e => e.Code).ToHashSet();
        var (code, key) =
            codes.Contains(NuGetLogCode.NU3008) ? (DiagnosticCodes.SignatureIntegrityFailed, "FPKG5271")
            : codes.Contains(NuGetLogCode.NU3034) ? (DiagnosticCodes.SignerNotTrusted, "FPKG5272")
            : codes.Contains(NuGetLogCode.NU3037) ? (DiagnosticCodes.SignatureExpired, "FPKG5273")
            : codes.Contains(NuGetLogCode.NU3018) ? (DiagnosticCodes.SignatureChainUntrusted, "FPKG5274")
            : (DiagnosticCodes.SignatureInvalid, "FPKG5275");
        return new FunctionPackageException(code, DiagnosticMessages.Format(key, subject, details));
    }
}
