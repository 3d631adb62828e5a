namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// What an artifact for one Linux RID (<c>linux-x64</c>, <c>linux-arm64</c>, …) carries, decided here once for every
/// exporter: which host folder (<see cref="HostDirectoryFor"/>) and which RID-specific package assets
/// (<see cref="PackagesLayerAssets"/>).
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
    /// What an image's packages layer (<c>&lt;id&gt;/&lt;version&gt;/…</c> of the shared packages folder) keeps for
    /// <paramref name="rid"/>: <see cref="RuntimeAssetFilter.ForLinuxImage"/> — no <c>runtimes/&lt;other RID&gt;/</c>
    /// (e.g. SQLite's natives for Windows, macOS and 20 other Linux RIDs: nothing there can load them) and no
    /// <c>.nupkg</c> copy (read by restore and install, never at run time; its files are extracted beside it).
    /// </summary>
    public static RuntimeAssetFilter PackagesLayerAssets(string rid) => RuntimeAssetFilter.ForLinuxImage(rid);

    /// <summary>Whether a file or folder of the shared packages folder (path relative to it) belongs in an image for <paramref name="rid"/>.</summary>
    public static bool InPackagesLayer(string relativePath, string rid) => PackagesLayerAssets(rid).KeepsInPackagesFolder(relativePath);
}
