using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionPackage.EndToEnd.Tests.Support;

/// <summary>
/// The runtime packs the self-contained exports (Lambda provided.al2023, Azure) are built from, kept across runs in one
/// cache that the Exporting tests share. The end-to-end exports name only the samples' folder feeds with <c>--source</c>
/// (as a user's CI would), and <c>--source</c> replaces NuGet.config for the packs too; so the packs are fetched here
/// once, from the repository's NuGet.config, before any of those exports runs — whichever test project runs first.
/// </summary>
public static class RuntimePackCache
{
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "fpkg-tests", "runtime-packs-cache");

    private static readonly Lazy<Task> LinuxX64 = new(() => new RuntimePacks(new NuGetFeedSource(NullLogger.Instance), NullLogger.Instance)
        .GetAsync("linux-x64", RuntimePacks.DefaultVersion(10), new RuntimePackRequest { CacheFolder = Folder, WorkingDirectory = RepoPaths.Root }, CancellationToken.None));

    /// <summary>Points fnpkg (<c>$FNPKG_RUNTIME_PACKS</c>) at the cache, with the linux-x64 packs in it.</summary>
    public static void UseWithLinuxX64Packs()
    {
        LinuxX64.Value.GetAwaiter().GetResult();
        Environment.SetEnvironmentVariable("FNPKG_RUNTIME_PACKS", Folder);
    }
}
