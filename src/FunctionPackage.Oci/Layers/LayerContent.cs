namespace FunctionPackage.Oci.Layers;

/// <summary>Builds the sorted, complete entry list of a layer: ordinal path order, every parent directory present.</summary>
public static class LayerContent
{
    /// <summary>
    /// Every file, directory and symbolic link under <paramref name="folder"/>, placed under <paramref name="destination"/>
    /// (e.g. <c>app</c>; empty for the layer's root). File modes come from the disk (0755 when executable, else 0644);
    /// directories are 0755.
    /// </summary>
    public static IReadOnlyList<LayerEntry> FromFolder(string folder, string destination)
    {
        if (!System.IO.Directory.Exists(folder)) throw OciErrors.LayerInputError($"The folder {folder} does not exist.");
        var root = Path.GetFullPath(folder);
        var prefix = destination.Replace('\\', '/').Trim('/');
        var entries = new List<LayerEntry>();
        if (prefix.Length > 0) entries.Add(LayerEntry.Directory(prefix));
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
            var path = prefix.Length > 0 ? $"{prefix}/{relative}" : relative;
            if (info.LinkTarget is { } target) entries.Add(LayerEntry.SymbolicLink(path, target));
            else if (info is DirectoryInfo) entries.Add(LayerEntry.Directory(path));
            else if (info is FileInfo file && (file.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0) entries.Add(LayerEntry.FromDisk(path, file.FullName));
            else throw OciErrors.LayerInputError($"{info.FullName} is neither a regular file, a directory nor a symbolic link.");
        }
        return Complete(entries);
    }

    /// <summary>
    /// Sorts <paramref name="entries"/> ordinally by path and adds each missing parent directory (0755). Two entries with
    /// one path are an error (a layer must not depend on the order its inputs came in), except the same directory twice
    /// (two folders placed under one parent both bring it).
    /// </summary>
    public static IReadOnlyList<LayerEntry> Complete(IEnumerable<LayerEntry> entries)
    {
        var byPath = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (byPath.TryGetValue(entry.Path, out var seen) && seen.Kind == LayerEntryKind.Directory && seen == entry) continue;
            if (!byPath.TryAdd(entry.Path, entry)) throw OciErrors.LayerInputError($"The path '{entry.Path}' is in the layer twice.");
        }
        foreach (var entry in byPath.Values.ToList())
        {
            foreach (var parent in LayerPath.Parents(entry.Path))
            {
                if (byPath.TryGetValue(parent, out var existing))
                {
                    if (existing.Kind != LayerEntryKind.Directory) throw OciErrors.LayerInputError($"'{parent}' is a file but '{entry.Path}' is inside it.");
                }
                else
                {
                    byPath.Add(parent, LayerEntry.Directory(parent));
                }
            }
        }
        // Ordinal on the path as written in the tar ("a/" sorts with its own name, not after "a-b").
        return byPath.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }
}
