using System.Reflection.PortableExecutable;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.Oci;
using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Testing;

namespace FunctionPackage.Exporting.Tests;

/// <summary>What an image for one RID carries (host folder, package assets) and the export cache of base-image frameworks.</summary>
public sealed class PlatformAssetsTests : IDisposable
{
    private readonly TestRoot _temp = new("export-platform");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/linux-x64/native/libe_sqlite3.so", true)]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/linux-musl-x64/native/libe_sqlite3.so", true)]
    [InlineData("linux-x64", "microsoft.data.sqlite.core/10.0.15/runtimes/unix/lib/net8.0/x.dll", true)]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/linux-arm64/native/libe_sqlite3.so", false)]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/win-x64/native/e_sqlite3.dll", false)]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/osx-x64", false)]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/browser-wasm/nativeassets/net8.0/e_sqlite3.a", false)]
    [InlineData("linux-arm64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/linux-arm64/native/libe_sqlite3.so", true)]
    [InlineData("linux-arm64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/linux-x64/native/libe_sqlite3.so", false)]
    [InlineData("linux-arm", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes/linux-armel/native/libe_sqlite3.so", false)]
    [InlineData("linux-x64", "sqlitepclraw.lib.e_sqlite3/2.1.13/runtimes", true)]
    [InlineData("linux-x64", "humanizer.core/2.14.1/lib/net6.0/Humanizer.dll", true)]
    [InlineData("linux-x64", "humanizer.core/2.14.1/humanizer.core.2.14.1.nupkg", false)]
    [InlineData("linux-x64", "humanizer.core/2.14.1/humanizer.core.2.14.1.nupkg.sha512", true)]
    [InlineData("linux-x64", "humanizer.core/2.14.1/.nupkg.metadata", true)]
    [InlineData("linux-x64", "humanizer.core/2.14.1/humanizer.core.nuspec", true)]
    [InlineData("linux-x64", "odd.package/1.0.0/content/file.nupkg", true)]
    public void The_packages_layer_keeps_what_the_RID_loads(string rid, string path, bool kept)
        => Assert.Equal(kept, PlatformAssets.InPackagesLayer(path, rid));

    [Fact]
    public void The_ReadyToRun_host_beside_the_IL_host_is_picked_for_its_RID_only()
    {
        var il = Directory.CreateDirectory(_temp.Combine("tool", "host")).FullName;
        File.WriteAllText(Path.Combine(il, FunctionImageExporter.HostAssemblyName), "il");
        Assert.Equal(il, PlatformAssets.HostDirectoryFor(il, "linux-x64")); // no host-linux-x64 yet: the IL host

        var readyToRun = Directory.CreateDirectory(_temp.Combine("tool", "host-linux-x64")).FullName;
        Assert.Equal(il, PlatformAssets.HostDirectoryFor(il, "linux-x64")); // a folder without the host assembly is not a host
        File.WriteAllText(Path.Combine(readyToRun, FunctionImageExporter.HostAssemblyName), "r2r");
        Assert.Equal(readyToRun, PlatformAssets.HostDirectoryFor(il, "linux-x64"));
        Assert.Equal(readyToRun, PlatformAssets.HostDirectoryFor(il + Path.DirectorySeparatorChar, "linux-x64"));
        Assert.Equal(il, PlatformAssets.HostDirectoryFor(il, "linux-arm64"));
    }

    [Fact]
    public void Fnpkgs_build_output_has_an_IL_host_and_a_ReadyToRun_linux_x64_host()
    {
        // fnpkg's build output in this test run's configuration (as ExportFixture finds the host).
        var configuration = new DirectoryInfo(Path.GetDirectoryName(typeof(HostLauncher).Assembly.Location)!).Parent!.Name;
        var bin = Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Cli", "bin", configuration, "net10.0", "host");
        var hostDirectory = PlatformAssets.HostDirectoryFor(bin, "linux-x64");
        Assert.Equal(Path.Combine(Path.GetDirectoryName(bin)!, "host-linux-x64"), hostDirectory);
        Assert.False(IsReadyToRun(Path.Combine(bin, FunctionImageExporter.HostAssemblyName)));
        Assert.True(IsReadyToRun(Path.Combine(hostDirectory, FunctionImageExporter.HostAssemblyName)));
        // Same files otherwise: the ReadyToRun host is the same host.
        static string[] Names(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Names(bin), Names(hostDirectory));
    }

    [Fact]
    public async Task A_base_images_scanned_frameworks_are_cached_under_its_layers_digests()
    {
        var layer = LayerWriter.WriteToFolder(new[]
        {
            LayerEntry.File("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1/System.Runtime.dll", new byte[] { 1 }),
            LayerEntry.File("usr/share/dotnet/shared/Microsoft.AspNetCore.App/10.0.1/Microsoft.AspNetCore.dll", new byte[] { 2 }),
        }, _temp.Combine("layers"));
        var scratch = BaseImage.Scratch(new Platform { Os = "linux", Architecture = "amd64" });
        var baseImage = scratch with { Layers = new[] { new ImageBlob(layer.Descriptor, layer.Path, null) } };
        var blobs = new BlobResolver(_temp.Combine("blobs"), _ => throw new InvalidOperationException("no registry here"));
        var cache = new ExportCache(_temp.Combine("cache"));
        const string expected = "Microsoft.AspNetCore.App 10.0.1, Microsoft.NETCore.App 10.0.1";

        Assert.Equal(expected, BaseImageFrameworks.Describe(await BaseImageFrameworks.ReadAsync(baseImage, blobs, cache, CancellationToken.None)));
        var entry = Assert.Single(Directory.GetFiles(_temp.Combine("cache", "base-frameworks")));

        // The layer gone: the answer can only come from the cache.
        File.Move(layer.Path, layer.Path + ".moved");
        Assert.Equal(expected, BaseImageFrameworks.Describe(await BaseImageFrameworks.ReadAsync(baseImage, blobs, cache, CancellationToken.None)));
        await Assert.ThrowsAnyAsync<Exception>(() => BaseImageFrameworks.ReadAsync(baseImage, blobs, cache: null, CancellationToken.None));

        // A damaged entry is derived again and rewritten.
        File.Move(layer.Path + ".moved", layer.Path);
        File.WriteAllText(entry, "{ not json");
        Assert.Equal(expected, BaseImageFrameworks.Describe(await BaseImageFrameworks.ReadAsync(baseImage, blobs, cache, CancellationToken.None)));
        Assert.StartsWith("{\"Microsoft.", File.ReadAllText(entry));
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }
}
