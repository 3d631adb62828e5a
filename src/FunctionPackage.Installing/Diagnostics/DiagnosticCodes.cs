namespace FunctionPackage.Installing.Diagnostics;

/// <summary>
/// Codes of every error the install library reports, FPKG5xxx. docs/cli.md lists each with its meaning and fix.
/// 50xx: the package itself (verify/inspect); 51xx: sources and install; 521x: split out of older codes.
/// fnpkg's own codes (52xx: running) are in FunctionPackage.Cli; exit codes are fnpkg's ExitCodeTable.
/// </summary>
public static class DiagnosticCodes
{
    // 50xx — package structure and manifest
    public const string PackageUnreadable = "FPKG5001";        // not a zip, or a zip entry that cannot be read
    public const string ManifestMissing = "FPKG5002";
    public const string ManifestInvalid = "FPKG5003";
    public const string PackageTypeMissing = "FPKG5004";       // the nuspec has no package type FunctionPackage (split: FPKG5211, FPKG5212)
    public const string UnsupportedSchemaVersion = "FPKG5005";
    public const string UnsupportedProfile = "FPKG5006";
    public const string IdentityMismatch = "FPKG5007";
    public const string UnsafeEntryPath = "FPKG5008";
    public const string UnlistedFile = "FPKG5009";
    public const string MissingFile = "FPKG5010";
    public const string FileHashMismatch = "FPKG5011";
    public const string EntryAssemblyMissing = "FPKG5012";
    public const string EmbeddedPackageMissing = "FPKG5013";
    public const string EmbeddedPackageHashMismatch = "FPKG5014";
    public const string NuspecDependenciesMismatch = "FPKG5015";
    public const string InvalidManifestPath = "FPKG5016";
    public const string DuplicateEntry = "FPKG5017";
    public const string ManifestMemberInvalid = "FPKG5018";    // a required function.json member is missing, null or of the wrong type
    public const string InvalidPackageIdentity = "FPKG5019";   // an id or version that NuGet would not accept
    public const string PathEscapesBase = "FPKG5020";          // an install path would leave its base folder
    public const string ManifestTooLarge = "FPKG5021";
    public const string EntryTooLarge = "FPKG5022";
    public const string PackageTooLarge = "FPKG5023";
    public const string TooManyEntries = "FPKG5024";
    public const string CompressionRatioTooHigh = "FPKG5025";
    public const string UnextractableEntry = "FPKG5026";       // a name the file system cannot hold
    public const string InvalidLimit = "FPKG5027";             // an FNPKG_MAX_* variable is not a number
    public const string TempSpaceUnavailable = "FPKG5028";
    public const string AssetNotInDependency = "FPKG5029";     // a manifest asset the dependency package does not have

    // 51xx — sources and install
    public const string SourceUnreachable = "FPKG5101";
    public const string FunctionPackageNotFound = "FPKG5102";
    public const string DependencyNotFound = "FPKG5103";
    public const string DependencyHashMismatch = "FPKG5104";
    public const string RuntimeFrameworkMissing = "FPKG5105";
    public const string NoSources = "FPKG5106";
    public const string InstallConflict = "FPKG5107";
    public const string PackagesFolderConflict = "FPKG5108";
    public const string MaterializeTargetNotEmpty = "FPKG5109";
    public const string InvalidPackageReference = "FPKG5110";
    public const string RuntimeIdentifierMismatch = "FPKG5111";
    public const string SourceServedInvalidPackage = "FPKG5112";
    public const string SourceFailed = "FPKG5113";
    public const string SourceTimedOut = "FPKG5114";
    public const string InstallTimedOut = "FPKG5115";
    public const string DiskFull = "FPKG5116";
    public const string RootNotWritable = "FPKG5117";
    public const string RootIoFailure = "FPKG5118";
    public const string SourcePackageTooLarge = "FPKG5119";

    // 515x — what fnpkg's host can run
    public const string FrameworkNotRunnableByHost = "FPKG5150";

    // 521x — codes split out of older ones (docs/cli.md says which)
    public const string PackageFileNotFound = "FPKG5210";        // was FPKG5001's "does not exist" case
    public const string NuspecMissing = "FPKG5211";              // was FPKG5004: no .nuspec at the package root
    public const string NuspecUnreadable = "FPKG5212";           // was FPKG5004: the .nuspec is not valid XML/nuspec

    // 526x — OCI registries (fnpkg push, install oci://…); the registry client's FPKG60xx code is kept in the message
    public const string OciReferenceInvalid = "FPKG5260";        // not oci://registry/repository[:tag][@sha256:digest]
    public const string OciPackageNotFound = "FPKG5261";         // no such tag or digest (FPKG6005), or a missing blob (FPKG6006)
    public const string OciRegistryFailed = "FPKG5262";          // unreachable, timed out, 5xx, dropped, TLS, off-spec answers
    public const string OciAccessDenied = "FPKG5263";            // 401/403, an unreadable credentials file, no token
    public const string OciNotAFunctionPackage = "FPKG5264";     // an image, another artifact type, not one .nupkg layer
    public const string OciDigestMismatch = "FPKG5265";          // the registry served bytes that do not match their digest

    // 527x — package signatures and the trust policy (Verification/SignaturePolicy, PackageSignatureChecker)
    public const string SignatureMissing = "FPKG5270";           // unsigned, but a signature is required (NU3004)
    public const string SignatureIntegrityFailed = "FPKG5271";   // changed after signing: the signed content hash no longer matches (NU3008)
    public const string SignerNotTrusted = "FPKG5272";           // signed, but not by a trusted signer, or require mode with none listed (NU3034)
    public const string SignatureExpired = "FPKG5273";           // the signing certificate has expired and no timestamp proves it signed in time (NU3037)
    public const string SignatureChainUntrusted = "FPKG5274";    // the certificate chain does not build to a trusted root (NU3018)
    public const string SignatureInvalid = "FPKG5275";           // any other signature error NuGet reports (unreadable .signature.p7s, bad EKU…)
    public const string TrustedSignerInvalid = "FPKG5276";       // --trusted-signer is not a SHA-256 fingerprint
    public const string TrustPolicyUnreadable = "FPKG5277";      // NuGet.config's signatureValidationMode or trustedSigners cannot be read

    // 529x — OCI referrers (the SBOM fnpkg push attaches; fnpkg sbom oci://…)
    public const string OciSbomAmbiguous = "FPKG5290";           // several SBOM referrers in the package's name
}
