namespace FunctionPackage.Installing.Installation;

/// <summary>
/// One install's private folder <c>.staging/&lt;random&gt;/</c>, guarded by <c>.staging/&lt;random&gt;.lock</c> held open
/// exclusively for the install's lifetime. A killed install releases the lock, so later installs know its folder is garbage.
/// </summary>
public sealed class StagingArea : IDisposable
{
    private readonly FileStream _lock;

    private StagingArea(string directory, FileStream lockStream)
    {
        Directory = directory;
        _lock = lockStream;
    }

    public string Directory { get; }

    public static StagingArea Create(string stagingFolder)
    {
        System.IO.Directory.CreateDirectory(stagingFolder);
        while (true)
        {
            var name = Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal);
            var lockPath = Path.Combine(stagingFolder, name + ".lock");
            FileStream lockStream;
            try
            {
                lockStream = new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                continue;
            }
            var directory = Path.Combine(stagingFolder, name);
            System.IO.Directory.CreateDirectory(directory);
            return new StagingArea(directory, lockStream);
        }
    }

    /// <summary>Deletes staging folders whose lock is not held (left by killed installs). Returns how many were removed.</summary>
    public static int CleanupAbandoned(string stagingFolder)
    {
        if (!System.IO.Directory.Exists(stagingFolder)) return 0;
        var removed = 0;
        var names = System.IO.Directory.GetDirectories(stagingFolder).Select(Path.GetFileName)
            .Concat(System.IO.Directory.GetFiles(stagingFolder, "*.lock").Select(Path.GetFileNameWithoutExtension))
            .Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var directory = Path.Combine(stagingFolder, name!);
            var lockPath = directory + ".lock";
            try
            {
                using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                {
                    if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
                }
                File.Delete(lockPath);
                removed++;
            }
            catch (IOException)
            {
                // Held by a running install, or already cleaned by another one.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return removed;
    }

    public void Dispose()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        finally
        {
            var lockPath = Directory + ".lock";
            _lock.Dispose();
            try { File.Delete(lockPath); } catch (IOException) { }
        }
    }
}
