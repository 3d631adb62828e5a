using FunctionPackage.Exporting;
using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Cli.Diagnostics;

/// <summary>
/// The one place that says which process exit code each code fnpkg reports means: FPKG5xxx (docs/cli.md has the same
/// table), FPKG7xxx of <c>fnpkg export</c> (docs/export.md), and any FPKG6xxx of the OCI library (<see cref="Registry"/>).
/// The library's errors carry only their code; fnpkg decides what a code means to a shell script.
/// </summary>
public static class ExitCodeTable
{
    private static readonly Dictionary<string, int> ByCode = new(StringComparer.Ordinal)
    {
        // The package itself: verification failed.
        [DiagnosticCodes.PackageUnreadable] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.ManifestMissing] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.ManifestInvalid] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.PackageTypeMissing] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.UnsupportedSchemaVersion] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.UnsupportedProfile] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.IdentityMismatch] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.UnsafeEntryPath] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.UnlistedFile] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.MissingFile] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.FileHashMismatch] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.EntryAssemblyMissing] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.EmbeddedPackageMissing] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.EmbeddedPackageHashMismatch] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.NuspecDependenciesMismatch] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.InvalidManifestPath] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.DuplicateEntry] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.ManifestMemberInvalid] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.InvalidPackageIdentity] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.PathEscapesBase] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.ManifestTooLarge] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.EntryTooLarge] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.PackageTooLarge] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.TooManyEntries] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.CompressionRatioTooHigh] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.UnextractableEntry] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.InvalidLimit] = ExitCodes.Usage,
        [DiagnosticCodes.TempSpaceUnavailable] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.AssetNotInDependency] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.NuspecMissing] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.NuspecUnreadable] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.DependencyHashMismatch] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SourceServedInvalidPackage] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SourcePackageTooLarge] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.OciNotAFunctionPackage] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.OciDigestMismatch] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SignatureMissing] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SignatureIntegrityFailed] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SignerNotTrusted] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SignatureExpired] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SignatureChainUntrusted] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.SignatureInvalid] = ExitCodes.VerificationFailed,
        [DiagnosticCodes.OciSbomAmbiguous] = ExitCodes.VerificationFailed,
        // Not found, or a source failed.
        [DiagnosticCodes.PackageFileNotFound] = ExitCodes.NotFound,
        [DiagnosticCodes.SourceUnreachable] = ExitCodes.NotFound,
        [DiagnosticCodes.FunctionPackageNotFound] = ExitCodes.NotFound,
        [DiagnosticCodes.DependencyNotFound] = ExitCodes.NotFound,
        [DiagnosticCodes.NoSources] = ExitCodes.NotFound,
        [DiagnosticCodes.SourceFailed] = ExitCodes.NotFound,
        [DiagnosticCodes.SourceTimedOut] = ExitCodes.NotFound,
        [DiagnosticCodes.InstallTimedOut] = ExitCodes.NotFound,
        [DiagnosticCodes.OciPackageNotFound] = ExitCodes.NotFound,
        [DiagnosticCodes.OciRegistryFailed] = ExitCodes.NotFound,
        [DiagnosticCodes.OciAccessDenied] = ExitCodes.NotFound,
        // The host cannot run it here.
        [DiagnosticCodes.RuntimeFrameworkMissing] = ExitCodes.RuntimeMissing,
        [DiagnosticCodes.RuntimeIdentifierMismatch] = ExitCodes.RuntimeMissing,
        [DiagnosticCodes.FrameworkNotRunnableByHost] = ExitCodes.RuntimeMissing,
        // The install root or a target folder.
        [DiagnosticCodes.InstallConflict] = ExitCodes.Conflict,
        [DiagnosticCodes.PackagesFolderConflict] = ExitCodes.Conflict,
        [DiagnosticCodes.MaterializeTargetNotEmpty] = ExitCodes.Conflict,
        [DiagnosticCodes.InvalidPackageReference] = ExitCodes.Usage,
        [DiagnosticCodes.OciReferenceInvalid] = ExitCodes.Usage,
        [DiagnosticCodes.TrustedSignerInvalid] = ExitCodes.Usage,
        [DiagnosticCodes.TrustPolicyUnreadable] = ExitCodes.Usage,
        // This machine.
        [DiagnosticCodes.DiskFull] = ExitCodes.LocalFailure,
        [DiagnosticCodes.RootNotWritable] = ExitCodes.LocalFailure,
        [DiagnosticCodes.RootIoFailure] = ExitCodes.LocalFailure,
        // fnpkg's own.
        [CliDiagnosticCodes.HostNotFound] = ExitCodes.HostFailed,
        // fnpkg export (docs/export.md); each target adds its block.
        [ExportErrors.UnknownTarget] = ExitCodes.Usage,
        [ExportErrors.NoDestination] = ExitCodes.Usage,
        [ExportErrors.InvalidEnvironment] = ExitCodes.Usage,
        [ExportErrors.InvalidPlatform] = ExitCodes.Usage,
        [ExportErrors.OptionNotForTarget] = ExitCodes.Usage,
        [ExportErrors.PlatformMismatch] = ExitCodes.RuntimeMissing,
        [ExportErrors.BaseImageLacksFramework] = ExitCodes.RuntimeMissing,
        [ExportErrors.LambdaUsage] = ExitCodes.Usage,
        [ExportErrors.LambdaOutput] = ExitCodes.Usage,
        [ExportErrors.LambdaTooLarge] = ExitCodes.RuntimeMissing,
        [ExportErrors.LambdaPlatform] = ExitCodes.RuntimeMissing,
        [ExportErrors.LambdaFramework] = ExitCodes.RuntimeMissing,
        [ExportErrors.SelfContainedRuntimeIdentifier] = ExitCodes.Usage,
        [ExportErrors.RuntimeVersionNotPinned] = ExitCodes.RuntimeMissing,
        [ExportErrors.RuntimePackMissing] = ExitCodes.NotFound,
        [ExportErrors.RuntimePackHash] = ExitCodes.VerificationFailed,
        [ExportErrors.OpenWhiskReservedVariable] = ExitCodes.Usage,
        [ExportErrors.OpenWhiskInvalidActionName] = ExitCodes.Usage,
        // fnpkg export --target azure-functions.
        [ExportErrors.AzureInvalidTrigger] = ExitCodes.Usage,
        [ExportErrors.AzureInvalidFunctionName] = ExitCodes.Usage,
        [ExportErrors.AzureTriggerOptionMismatch] = ExitCodes.Usage,
        [ExportErrors.AzureInvalidValue] = ExitCodes.Usage,
        [ExportErrors.AzureNoOutput] = ExitCodes.Usage,
        [ExportErrors.AzureFrameworkDependentRuntime] = ExitCodes.Usage,
        [ExportErrors.AzurePlatform] = ExitCodes.RuntimeMissing,
        [ExportErrors.AzureFramework] = ExitCodes.RuntimeMissing,
        [ExportErrors.AzureOutputNotEmpty] = ExitCodes.Conflict,
    };

    /// <summary>Any FPKG6xxx (an OciException): the registry refused, failed or could not be reached, or an image could not be read or written.</summary>
    public const int Registry = ExitCodes.NotFound;

    /// <summary>Every code fnpkg can report, with its exit code.</summary>
    public static IReadOnlyDictionary<string, int> All => ByCode;

    /// <summary>The exit code of <paramref name="code"/>; an unknown code is a bug (exit 70), never a silent success.</summary>
    public static int For(string code) => ByCode.TryGetValue(code, out var exitCode) ? exitCode : ExitCodes.InternalError;
}
