namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// One file of an exported artifact (a zip, a folder): its path inside the artifact (<c>/</c> separators), its bytes —
/// a file on disk or bytes in memory — and whether it is executable (mode 0755 instead of 0644). Targets collect these
/// and write them sorted by path, so the artifact does not depend on the order files were found in.
/// </summary>
public sealed record BundleFile
{
    private BundleFile(string path, string? sourceFile, byte[]? content, bool executable)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\') || path.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"'{path}' is not a relative path with / separators.", nameof(path));
        Path = path;
        SourceFile = sourceFile;
        Content = content;
        Executable = executable;
    }

    public string Path { get; }
    public string? SourceFile { get; }
    public byte[]? Content { get; }
    public bool Executable { get; }

    public static BundleFile FromFile(string path, string sourceFile, bool executable = false) => new(path, sourceFile, null, executable);

    public static BundleFile FromBytes(string path, byte[] content, bool executable = false) => new(path, null, content, executable);

    public long Length => Content?.LongLength ?? new FileInfo(SourceFile!).Length;

    public Stream OpenRead() => Content is not null ? new MemoryStream(Content, writable: false) : File.OpenRead(SourceFile!);

    /// <summary>
    /// Every file under <paramref name="folder"/>, at <paramref name="prefix"/>/&lt;relative path&gt; (prefix "" for the
    /// root), as a plain file (0644): the modes on disk depend on how packages were extracted and on the umask, so they
    /// are not copied; what must run is marked by the one who knows (the bootstrap, createdump). <paramref name="include"/>,
    /// when given, is asked about each file's path relative to <paramref name="folder"/> (e.g. <see cref="RuntimeAssetFilter.Keeps"/>).
    /// </summary>
    public static IEnumerable<BundleFile> FromFolder(string folder, string prefix = "", Func<string, bool>? include = null) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => (File: file, Relative: System.IO.Path.GetRelativePath(folder, file).Replace('\\', '/')))
            .Where(f => include is null || include(f.Relative))
            .Select(f => FromFile(Join(prefix, f.Relative), f.File));

    /// <summary>
    /// Writes <paramref name="files"/> under <paramref name="folder"/> (which must not exist yet) with their modes
    /// (0755 or 0644 on Unix): staged beside it and renamed into place, so a failure leaves no folder.
    /// </summary>
    public static void WriteFolder(IEnumerable<BundleFile> files, string folder)
    {
        var target = System.IO.Path.GetFullPath(folder);
        if (Directory.Exists(target) || File.Exists(target)) throw new IOException($"{target} exists.");
        using var staged = FunctionPackage.Shared.StagedFolder.Create(target);
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var path = System.IO.Path.Combine(staged.Path, file.Path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            using (var source = file.OpenRead())
            using (var destination = File.Create(path))
                source.CopyTo(destination);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, file.UnixMode);
        }
        staged.Commit(whenTargetExists: () => throw new IOException($"{target} appeared while it was written."));
    }

    /// <summary>0755 for executables, 0644 for the rest: what an archive records and a folder gets.</summary>
    public UnixFileMode UnixMode => Executable
        ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string Join(string prefix, string path) => prefix.Length == 0 ? path : $"{prefix.TrimEnd('/')}/{path}";
}
