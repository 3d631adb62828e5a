using System.Text.RegularExpressions;
using FunctionPackage.Installing.Diagnostics;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Packaging.Signing;

namespace FunctionPackage.Installing.Verification;

/// <summary>
/// Which package signatures an install accepts: NuGet.config's <c>signatureValidationMode</c> and <c>trustedSigners</c>,
/// read by NuGet's own readers (<see cref="ClientPolicyContext"/>, i.e. SettingsUtility and TrustedSignersProvider) exactly
/// as <c>dotnet restore</c> reads them, plus fnpkg's <c>--require-signed</c> and <c>--trusted-signer</c>.
/// <list type="bullet">
/// <item>The function package: NuGet's require-mode policy when NuGet.config says <c>require</c>, <c>--require-signed</c> is
/// given or any <c>--trusted-signer</c> is; otherwise its accept-mode policy (unsigned is fine, a signed package is still
/// checked). The allow list is NuGet.config's trusted signers plus every <c>--trusted-signer</c>.</item>
/// <item>Each dependency added to the shared packages folder: only when NuGet.config says <c>require</c>, against NuGet.config's
/// trusted signers alone, as restore would check it. Otherwise its bytes are what the function's manifest pins by content hash.</item>
/// </list>
/// </summary>
public sealed class SignaturePolicy
{
    private static readonly Regex Sha256Fingerprint = new("^[0-9A-Fa-f]{64}$", RegexOptions.CultureInvariant);

    private SignaturePolicy(bool nuGetConfigRequires, IReadOnlyCollection<TrustedSignerAllowListEntry> configured, bool requireSigned,
        IReadOnlyList<string> trustedSigners)
    {
        NuGetConfigRequires = nuGetConfigRequires;
        ConfiguredSigners = configured;
        RequireSigned = requireSigned || trustedSigners.Count > 0 || nuGetConfigRequires;
        // A certificate named on the command line is pinned by its own fingerprint: its root need not be in this machine's
        // root store (NuGet.config's allowUntrustedRoot="true" for that certificate).
        CommandLineSigners = trustedSigners.Select(fingerprint => new TrustedSignerAllowListEntry(
            VerificationTarget.Author | VerificationTarget.Repository, SignaturePlacement.Any, fingerprint.ToUpperInvariant(),
            HashAlgorithmName.SHA256, allowUntrustedRoot: true, owners: null)).ToList();
    }

    /// <summary>No signature needed, no signer listed: only a signed package's own validity is checked (NuGet's accept mode).</summary>
    public static SignaturePolicy AcceptAny { get; } = new(false, Array.Empty<TrustedSignerAllowListEntry>(), false, Array.Empty<string>());

    /// <summary>NuGet.config says <c>signatureValidationMode=require</c>: every package, dependencies too, must be signed by a trusted signer.</summary>
    public bool NuGetConfigRequires { get; }

    /// <summary>The function package must carry a valid, trusted signature.</summary>
    public bool RequireSigned { get; }

    /// <summary>NuGet.config's <c>trustedSigners</c>, as NuGet's allow list.</summary>
    public IReadOnlyCollection<TrustedSignerAllowListEntry> ConfiguredSigners { get; }

    /// <summary><c>--trusted-signer</c> fingerprints, as allow-list entries.</summary>
    public IReadOnlyList<TrustedSignerAllowListEntry> CommandLineSigners { get; }

    /// <summary>The NuGet.config in effect for <paramref name="workingDirectory"/> (as restore finds it) and the command line's options.</summary>
    /// <exception cref="FunctionPackageException">FPKG5276 for a fingerprint that is not SHA-256 hex; FPKG5277 for an unreadable NuGet.config.</exception>
    public static SignaturePolicy Load(string workingDirectory, bool requireSigned, IReadOnlyList<string> trustedSigners)
    {
        foreach (var fingerprint in trustedSigners)
        {
            if (!Sha256Fingerprint.IsMatch(fingerprint))
                throw new FunctionPackageException(DiagnosticCodes.TrustedSignerInvalid, DiagnosticMessages.Format("FPKG5276", fingerprint));
        }
        ClientPolicyContext context;
        try
        {
            context = ClientPolicyContext.GetClientPolicy(Settings.LoadDefaultSettings(workingDirectory), NullLogger.Instance);
        }
        catch (Exception ex) when (ex is NuGetConfigurationException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new FunctionPackageException(DiagnosticCodes.TrustPolicyUnreadable, DiagnosticMessages.Format("FPKG5277", workingDirectory, ex.Message), ex);
        }
        return new SignaturePolicy(context.Policy == SignatureValidationMode.Require,
            context.AllowList ?? Array.Empty<TrustedSignerAllowListEntry>(), requireSigned, trustedSigners);
    }
}
