namespace FunctionPackage.Installing.Packages;

/// <summary>
/// Relative paths that are to become files in one folder, checked in linear time for the two clashes a file system
/// refuses: the same path twice (ignoring case, as Windows and macOS do) and a file that another path needs as a folder.
/// </summary>
public sealed class PathSet
{
    private readonly HashSet<string> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _folders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>False when the path (ignoring case) is already in the set.</summary>
    public bool Add(string path)
    {
        if (!_files.Add(path)) return false;
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1)) _folders.Add(path[..slash]);
        return true;
    }

    /// <summary>True when another path added so far has <paramref name="path"/> as one of its folders.</summary>
    public bool IsFolder(string path) => _folders.Contains(path);
}
