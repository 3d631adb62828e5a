namespace FunctionPackage.Oci.Layers;

public enum LayerEntryKind
{
    Directory,
    File,
    SymbolicLink,
}

/// <summary>
/// One path in a layer: relative, '/'-separated, no leading '/' (e.g. <c>app/Orders.dll</c>). A file's content
/// comes from <see cref="OpenContent"/> when the layer is written, so a layer never sits in memory whole.
/// </summary>
public sealed record LayerEntry
{
    public const int DirectoryMode = 0b111_101_101;  // 0755
    public const int ExecutableMode = 0b111_101_101; // 0755
    public const int FileMode = 0b110_100_100;       // 0644

    private LayerEntry(string path, LayerEntryKind kind, int mode, long size, Func<Stream>? openContent, string? linkTarget)
    {
        Path = path;
        Kind = kind;
        Mode = mode;
        Size = size;
        OpenContent = openContent;
        LinkTarget = linkTarget;
    }

    public string Path { get; }
    public LayerEntryKind Kind { get; }
    /// <summary>Permission bits only (e.g. 0644); the type comes from <see cref="Kind"/>.</summary>
    public int Mode { get; }
    public long Size { get; }
    public Func<Stream>? OpenContent { get; }
    public string? LinkTarget { get; }

    public static LayerEntry Directory(string path, int mode = DirectoryMode) =>
        new(LayerPath.Normalize(path), LayerEntryKind.Directory, mode, 0, null, null);

    public static LayerEntry File(string path, byte[] content, int mode = FileMode) =>
        new(LayerPath.Normalize(path), LayerEntryKind.File, mode, content.Length, () => new MemoryStream(content, writable: false), null);

    public static LayerEntry File(string path, long size, Func<Stream> openContent, int mode = FileMode) =>
        new(LayerPath.Normalize(path), LayerEntryKind.File, mode, size, openContent, null);

    /// <summary>A file on disk, read when the layer is written; mode 0755 when any execute bit is set, else 0644.</summary>
    public static LayerEntry FromDisk(string path, string sourceFile)
    {
        var info = new FileInfo(sourceFile);
        var mode = OperatingSystem.IsWindows() || (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0
            ? FileMode
            : ExecutableMode;
        return File(path, info.Length, () => new FileStream(sourceFile, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), mode);
    }

    public static LayerEntry SymbolicLink(string path, string target) =>
        new(LayerPath.Normalize(path), LayerEntryKind.SymbolicLink, 0b111_111_111, 0, null, target);
}

internal static class LayerPath
{
    /// <summary>'/' separators, no leading './' or '/', no trailing '/', no '.' or '..' segments.</summary>
    public static string Normalize(string path)
    {
        var p = path.Replace('\\', '/').TrimStart('/');
        if (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        p = p.TrimEnd('/');
        if (p.Length == 0) throw OciErrors.LayerInputError($"The layer path '{path}' is empty.");
        foreach (var segment in p.Split('/'))
        {
            if (segment is "" or "." or "..") throw OciErrors.LayerInputError($"The layer path '{path}' has an empty, '.' or '..' segment.");
        }
        if (p.Contains('\0')) throw OciErrors.LayerInputError($"The layer path '{path}' contains a NUL character.");
        return p;
    }

    public static IEnumerable<string> Parents(string path)
    {
        for (var i = path.IndexOf('/'); i > 0; i = path.IndexOf('/', i + 1)) yield return path[..i];
    }
}
