using System.Text;
using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Installing.Packages;

/// <summary>
/// The rules for paths that come from a package (zip entries, manifest paths, ids and versions) and the one helper,
/// <see cref="Combine"/>, that every install path is built with.
/// </summary>
public static class PackagePaths
{
    /// <summary>NAME_MAX of Linux, macOS and NTFS: longer file names cannot be created anywhere.</summary>
    public const int MaxSegmentBytes = 255;
    /// <summary>A package-relative path; leaves room for the install root and <c>functions/&lt;id&gt;/&lt;version&gt;/</c>.</summary>
    public const int MaxRelativePathBytes = 1024;
    /// <summary>PATH_MAX of Linux (including the terminating NUL): the longest full path fnpkg writes.</summary>
    public const int MaxFullPathBytes = 4095;

    /// <summary>
    /// True when <paramref name="path"/> is a plain relative path with <c>/</c> separators: no rooted or drive
    /// paths, no backslashes, no empty, <c>.</c> or <c>..</c> segments, no control characters.
    /// </summary>
    public static bool IsSafeRelativePath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        if (path.IndexOf('\\') >= 0 || path.IndexOf(':') >= 0) return false;
        if (path.Any(char.IsControl)) return false;
        if (path.StartsWith('/') || path.StartsWith('~')) return false;
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..") return false;
            // Windows trims trailing dots and spaces, so "x. " would alias "x" there.
            if (segment.EndsWith('.') || segment.EndsWith(' ')) return false;
        }
        return true;
    }

    /// <summary>Why a safe relative path cannot be created on a file system (a segment or the path too long), or null.</summary>
    public static string? LengthProblem(string path)
    {
        if (Encoding.UTF8.GetByteCount(path) > MaxRelativePathBytes)
            return $"is longer than {MaxRelativePathBytes} bytes";
        foreach (var segment in path.Split('/'))
        {
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
                return $"has a name longer than {MaxSegmentBytes} bytes ('{segment[..Math.Min(40, segment.Length)]}…')";
        }
        return null;
    }

    /// <summary>Decodes the URI escaping NuGet's PackageBuilder applies to entry names (e.g. <c>%2B</c> for <c>+</c>).</summary>
    public static string UnescapeEntryName(string rawName)
        => rawName.IndexOf('%') >= 0 ? Uri.UnescapeDataString(rawName) : rawName;

    /// <summary>
    /// The only way fnpkg builds a path to write under a base folder from package data: every part must be a safe
    /// relative path (a part may have several <c>/</c>-separated segments), the result must stay under
    /// <paramref name="folder"/> once made absolute, and it must fit PATH_MAX. Verification rejects such data first;
    /// this is the last line, so a rule missed there still cannot write outside the root.
    /// </summary>
    /// <exception cref="FunctionPackageException">FPKG5020 (exit 2) when a part is unsafe or the result leaves the folder; FPKG5026 when it is too long.</exception>
    public static string Combine(string folder, params string[] parts)
    {
        var root = Path.GetFullPath(folder);
        var full = root;
        foreach (var part in parts)
        {
            if (!IsSafeRelativePath(part))
            {
                throw new FunctionPackageException(DiagnosticCodes.PathEscapesBase, DiagnosticMessages.Format("FPKG5020", part, root));
            }
            full = Path.Combine(full, part);
        }
        full = Path.GetFullPath(full);
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new FunctionPackageException(DiagnosticCodes.PathEscapesBase, DiagnosticMessages.Format("FPKG5020_2", string.Join('/', parts), full, root));
        }
        if (Encoding.UTF8.GetByteCount(full) > MaxFullPathBytes)
        {
            throw new FunctionPackageException(DiagnosticCodes.UnextractableEntry, DiagnosticMessages.Format("FPKG5026_2", full[..Math.Min(80, full.Length)], MaxFullPathBytes));
        }
        return full;
    }

    /// <summary><see cref="Combine"/> for parts that must each be one folder name (an id, a version): no <c>/</c> allowed.</summary>
    public static string CombineNames(string folder, params string[] names)
    {
        foreach (var name in names)
        {
            if (name.Contains('/'))
            {
                throw new FunctionPackageException(DiagnosticCodes.PathEscapesBase, DiagnosticMessages.Format("FPKG5020_3", name, Path.GetFullPath(folder)));
            }
        }
        return Combine(folder, names);
    }
}
