using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Installing.Installation;

/// <summary>
/// Turns an I/O error that escaped an install into its coded, exit-7 failure. Every write of an install goes under the
/// install root, and source I/O errors are caught and coded by the fetcher, so what arrives here is this machine's:
/// a full disk, a read-only or forbidden root, a root path that cannot be a folder, a disk I/O error. Anything else
/// (say, a package whose entries clash on extraction) is left to its own check.
/// </summary>
internal static class LocalFailure
{
    // errno values (Linux; macOS differs only for EDQUOT) and Windows HRESULTs, as .NET reports them in IOException.HResult.
    private const int EIO = 5, ENOSPC = 28, EROFS = 30, EDQUOT_LINUX = 122, EDQUOT_MAC = 69;
    private const int ERROR_HANDLE_DISK_FULL = unchecked((int)0x80070027), ERROR_DISK_FULL = unchecked((int)0x80070070);
    private const int ERROR_WRITE_PROTECT = unchecked((int)0x80070013);

    public static FunctionPackageException? From(Exception ex, string root)
    {
        var reason = ex.Message.TrimEnd().TrimEnd('.') + "."; // the OS message, as one sentence
        switch (ex)
        {
            case UnauthorizedAccessException:
                return new FunctionPackageException(DiagnosticCodes.RootNotWritable, DiagnosticMessages.Format("FPKG5117", root, reason), ex);
            case IOException when ex.HResult is ENOSPC or EDQUOT_LINUX or EDQUOT_MAC or ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL:
                return new FunctionPackageException(DiagnosticCodes.DiskFull, DiagnosticMessages.Format("FPKG5116", root, reason, Path.Combine(root, InstallLayout.StagingFolderName)), ex);
            case IOException when ex.HResult is EROFS or ERROR_WRITE_PROTECT:
                return new FunctionPackageException(DiagnosticCodes.RootNotWritable, DiagnosticMessages.Format("FPKG5117_2", root, reason), ex);
            // The root (or a folder above it) is a file: ENOTDIR arrives as DirectoryNotFoundException, EEXIST as IOException.
            // Only then: a file/folder clash inside a package being extracted is the package's fault, not this machine's.
            case IOException when ex.HResult is EIO || !Directory.Exists(root):
                return new FunctionPackageException(DiagnosticCodes.RootIoFailure, DiagnosticMessages.Format("FPKG5118", root, reason), ex);
            default:
                return null;
        }
    }
}
