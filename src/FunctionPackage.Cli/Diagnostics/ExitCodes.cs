namespace FunctionPackage.Cli.Diagnostics;

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
