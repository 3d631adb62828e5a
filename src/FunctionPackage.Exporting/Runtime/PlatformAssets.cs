namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// What an artifact for one Linux RID (<c>linux-x64</c>, <c>linux-arm64</c>, …) carries, decided here once for every
/// exporter: which host folder (<see cref="HostDirectoryFor"/>) and which RID-specific package assets
/// (<see cref="Loads"/>, <see cref="InPackagesLayer"/>).
/// </summary>
public static class PlatformAssets
{
    /// <summary>
    /// The host compiled ReadyToRun for <paramref name="rid"/>: the folder <c>host-&lt;rid&gt;</c> beside the IL host
    /// (fnpkg's build output and tool packages carry <c>host-linux-x64</c>). ReadyToRun code for another architecture
    /// does not load (BadImageFormatException), so every other RID gets the IL host, which runs anywhere.
    /// </summary>
    public static string HostDirectoryFor(string hostDirectory, string rid, string hostAssemblyName = FunctionImageExporter.HostAssemblyName)
    {
        var full = Path.GetFullPath(hostDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var readyToRun = Path.Combine(Path.GetDirectoryName(full)!, $"{Path.GetFileName(full)}-{rid}");
        return File.Exists(Path.Combine(readyToRun, hostAssemblyName)) ? readyToRun : hostDirectory;
    }

    /// <summary>
    /// True when a process on <paramref name="rid"/> can use a package's <c>runtimes/&lt;assetRid&gt;/</c> assets: the
    /// RID itself, its musl twin (an Alpine base image of the same architecture) and the architecture-neutral RIDs
    /// they fall back to (.NET's portable RID graph: linux-musl-x64 → linux-x64 → linux → unix → any).
    /// </summary>
    public static bool Loads(string rid, string assetRid)
    {
        var architecture = rid[(rid.LastIndexOf('-') + 1)..];
        return assetRid is "any" or "unix" or "linux" or "linux-musl"
            || assetRid == $"unix-{architecture}" || assetRid == $"linux-{architecture}" || assetRid == $"linux-musl-{architecture}";
    }

    /// <summary>
    /// Whether a file or folder of the shared packages folder (path relative to it: <c>&lt;id&gt;/&lt;version&gt;/…</c>)
    /// belongs in an artifact for <paramref name="rid"/>. Left out: <c>runtimes/&lt;other RID&gt;/</c> (e.g. SQLite's
    /// natives for Windows, macOS and 20 other Linux RIDs: nothing there can load them) and the <c>.nupkg</c> copy
    /// (read by restore and install, never at run time; its files are extracted beside it). <c>.nupkg.metadata</c> and
    /// <c>.nupkg.sha512</c> stay, so the folder still reads as installed.
    /// </summary>
    public static bool InPackagesLayer(string relativePath, string rid)
    {
        var segments = relativePath.Split('/');
        if (segments.Length == 3 && segments[2].EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase)) return false;
        return !(segments.Length >= 4 && segments[2] == "runtimes" && !Loads(rid, segments[3]));
    }
}
