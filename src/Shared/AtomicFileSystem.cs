namespace FunctionPackage.Shared;

/// <summary>
/// Write-then-move for one file: the bytes go to a temp sibling (same folder, so the move is a rename on one volume),
/// are flushed to disk, then moved over the target. A reader never sees a partial file, and a failed or cancelled
/// write leaves the target as it was. One source file compiled into the SDK's task assembly and the install library.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. When <paramref name="isUnchanged"/> says the
    /// temp file (its argument) equals what is there, the target is left untouched (timestamp included) and the result is false.
    /// </summary>
    public static bool Write(string path, Action<Stream> write, Func<string, bool>? isUnchanged = null, CancellationToken cancellationToken = default)
    {
        var temp = StagedFolder.TempSibling(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (isUnchanged is not null && File.Exists(path) && isUnchanged(temp)) return false;
            File.Move(temp, path, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

/// <summary>
/// Stage-then-rename for a folder: fill <see cref="Path"/>, then <see cref="Commit"/> renames it to the target in one
/// step, so the target is either absent or complete. Disposing without a commit deletes the staged folder. Stage on the
/// target's volume: in a lock-guarded staging folder whose abandoned leftovers are cleaned up (the install root's
/// <c>.staging/</c>), or by default as a hidden temp sibling of the target.
/// </summary>
internal sealed class StagedFolder : IDisposable
{
    private bool _committed;

    private StagedFolder(string target, string path)
    {
        Target = target;
        Path = path;
        Directory.CreateDirectory(path);
    }

    public string Target { get; }
    /// <summary>The staged folder to fill (created).</summary>
    public string Path { get; }

    /// <summary><paramref name="stagingFolder"/>: where to stage (same volume as the target); null stages beside the target.</summary>
    public static StagedFolder Create(string target, string? stagingFolder = null)
    {
        var full = System.IO.Path.GetFullPath(target);
        var path = stagingFolder is null
            ? TempSibling(full)
            : System.IO.Path.Combine(stagingFolder, "stage-" + Guid.NewGuid().ToString("N"));
        return new StagedFolder(full, path);
    }

    /// <summary><c>.&lt;name&gt;.&lt;random&gt;.tmp</c> beside <paramref name="path"/>: hidden, and never a name a package or publish uses.</summary>
    internal static string TempSibling(string path)
    {
        var full = System.IO.Path.GetFullPath(path).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>
    /// Renames the staged folder to the target. When the target already exists, <paramref name="whenTargetExists"/>
    /// decides: true keeps it (a concurrent writer's equal copy; ours is discarded), false means the callback removed it
    /// and the rename is tried once more (a second clash is thrown); it may also throw. Returns true when the staged
    /// folder became the target.
    /// </summary>
    public bool Commit(Func<bool> whenTargetExists)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Target)!);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Move(Path, Target);
                _committed = true;
                return true;
            }
            catch (IOException) when (Directory.Exists(Target))
            {
                if (whenTargetExists()) return false;
                if (attempt > 0) throw;
            }
        }
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
