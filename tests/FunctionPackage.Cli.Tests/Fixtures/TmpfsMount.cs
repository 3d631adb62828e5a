using System.Diagnostics;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>
/// A tmpfs mounted for one test: a small one is a disk that fills up, a read-only one a read-only root. Tests run as root,
/// where chmod stops nothing, so a real mount is the honest way to get ENOSPC and EROFS from the kernel.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why mounting is impossible here, or null when it works (probed once).</summary>
    public static string? Unavailable => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux";
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fnpkg-mount-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(path);
        try
        {
            var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", path);
            if (code != 0) return $"`mount -t tmpfs` failed here ({output.Trim()}); run as root with CAP_SYS_ADMIN";
            Run("umount", path);
            return null;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return "no mount command: " + ex.Message;
        }
        finally
        {
            try { Directory.Delete(path); } catch (IOException) { }
        }
    });

    /// <summary>Mounts a tmpfs with <paramref name="options"/> (e.g. <c>size=256k</c>, <c>ro</c>) on a new folder <paramref name="path"/>.</summary>
    public static TmpfsMount Create(string path, string options)
    {
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        Assert.True(code == 0, $"mount -o {options} {path} failed: {output}");
        return new TmpfsMount(path);
    }

    public void Remount(string options)
    {
        var (code, output) = Run("mount", "-o", "remount," + options, Path);
        Assert.True(code == 0, $"remount {options} failed: {output}");
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>A fact that needs <see cref="TmpfsMount"/>: skipped, with the reason, only where mounting is impossible.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (TmpfsMount.Unavailable is { } reason) Skip = reason;
    }
}
