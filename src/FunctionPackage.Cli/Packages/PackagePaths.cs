namespace FunctionPackage.Cli.Packages;

/// <summary>Checks that a path from a zip entry or a manifest stays inside the folder it is written to.</summary>
public static class PackagePaths
{
    /// <summary>
    /// True when <paramref name="path"/> is a plain relative path with <c>/</c> separators: no rooted or drive
    /// paths, no backslashes, no empty, <c>.</c> or <c>..</c> segments, no control characters.
    /// </summary>
    public static bool IsSafeRelativePath(string path)
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

    /// <summary>Decodes the URI escaping NuGet's PackageBuilder applies to entry names (e.g. <c>%2B</c> for <c>+</c>).</summary>
    public static string UnescapeEntryName(string rawName)
        => rawName.IndexOf('%') >= 0 ? Uri.UnescapeDataString(rawName) : rawName;

    /// <summary>Joins a checked relative path to a folder and makes sure the result is still under it.</summary>
    public static string Combine(string folder, string relativePath)
    {
        if (!IsSafeRelativePath(relativePath))
            throw new InvalidOperationException($"Unsafe relative path '{relativePath}' reached a file write; it must be rejected earlier.");
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"Path '{relativePath}' escapes '{folder}'.");
        return full;
    }
}
