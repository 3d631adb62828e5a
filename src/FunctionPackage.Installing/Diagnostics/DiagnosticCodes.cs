namespace FunctionPackage.Cli.Diagnostics;

/// <summary>
/// Codes of every error fnpkg reports, FPKG5xxx. docs/cli.md lists each with its meaning and fix.
/// 50xx: the package itself (verify/inspect); 51xx: sources and install; 52xx: running.
/// </summary>
public static class CliDiagnosticCodes
{
    // 50xx — package structure and manifest (exit code 2 unless noted)
    public const string PackageUnreadable = "FPKG5001";        // exit 3 when the file is missing
    public const string ManifestMissing = "FPKG5002";
    public const string ManifestInvalid = "FPKG5003";
    public const string PackageTypeMissing = "FPKG5004";
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
    public const string InvalidLimit = "FPKG5027";             // exit 1: an FNPKG_MAX_* variable is not a number
    public const string TempSpaceUnavailable = "FPKG5028";
    public const string AssetNotInDependency = "FPKG5029";     // a manifest asset the dependency package does not have     // verify cannot spool an embedded package to the temp folder

    // 51xx — sources and install
    public const string SourceUnreachable = "FPKG5101";          // exit 3
    public const string FunctionPackageNotFound = "FPKG5102";    // exit 3
    public const string DependencyNotFound = "FPKG5103";         // exit 3
    public const string DependencyHashMismatch = "FPKG5104";     // exit 2
    public const string RuntimeFrameworkMissing = "FPKG5105";    // exit 4
    public const string NoSources = "FPKG5106";                  // exit 3
    public const string InstallConflict = "FPKG5107";            // exit 5
    public const string PackagesFolderConflict = "FPKG5108";     // exit 5
    public const string MaterializeTargetNotEmpty = "FPKG5109";  // exit 5
    public const string InvalidPackageReference = "FPKG5110";    // exit 1
    public const string RuntimeIdentifierMismatch = "FPKG5111";  // exit 4
    public const string SourceServedInvalidPackage = "FPKG5112"; // exit 2
    public const string SourceFailed = "FPKG5113";               // exit 3
    public const string SourceTimedOut = "FPKG5114";             // exit 3
    public const string InstallTimedOut = "FPKG5115";            // exit 3
    public const string DiskFull = "FPKG5116";                   // exit 7
    public const string RootNotWritable = "FPKG5117";            // exit 7
    public const string RootIoFailure = "FPKG5118";              // exit 7
    public const string SourcePackageTooLarge = "FPKG5119";      // exit 2

    // 515x — what fnpkg's host can run
    public const string FrameworkNotRunnableByHost = "FPKG5150"; // exit 4

    // 52xx — run and invoke
    public const string HostNotFound = "FPKG5201";               // exit 6
}

/// <summary>Process exit codes of fnpkg; the same table is in docs/cli.md and <c>fnpkg --help</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad command line (System.CommandLine also returns 1 for parse errors).</summary>
    public const int Usage = 1;
    /// <summary>The package failed verification: tampered, malformed or an unsupported format.</summary>
    public const int VerificationFailed = 2;
    /// <summary>A package or dependency was not found, or a source could not be reached.</summary>
    public const int NotFound = 3;
    /// <summary>fnpkg's host cannot run the function (it needs a newer .NET, or the host's runtime is missing), or another RID.</summary>
    public const int RuntimeMissing = 4;
    /// <summary>The install root or a target folder is in a state fnpkg will not overwrite.</summary>
    public const int Conflict = 5;
    /// <summary>The function host could not be started or failed.</summary>
    public const int HostFailed = 6;
    /// <summary>This machine failed the install: the disk is full, or the install root is read-only or not a folder.</summary>
    public const int LocalFailure = 7;
    /// <summary>An unexpected error (a bug): the message and stack trace go to stderr.</summary>
    public const int InternalError = 70;

    /// <summary>Text shown at the end of <c>fnpkg --help</c>.</summary>
    public const string HelpText =
        "Exit codes: 0 ok, 1 usage, 2 verification failed (tampered/invalid package), " +
        "3 not found or source unreachable, 4 the host cannot run the function (.NET too new, runtime missing) or another RID, 5 conflict in the install root, " +
        "6 host failed, 7 local failure (disk full, read-only or unusable install root), 70 internal error. Errors are coded FPKG5xxx; see docs/cli.md.";
}
