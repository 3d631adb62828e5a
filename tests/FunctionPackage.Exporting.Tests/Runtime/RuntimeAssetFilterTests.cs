using FunctionPackage.Exporting.Runtime;

namespace FunctionPackage.Exporting.Tests;

/// <summary><see cref="RuntimeAssetFilter"/>: the RID's ancestors in NuGet's graph keep their runtimes/ assets, every other RID's are dropped.</summary>
public sealed class RuntimeAssetFilterTests
{
    [Theory]
    [InlineData("linux-x64", "any,base,linux,linux-x64,unix,unix-x64")]
    [InlineData("linux-arm64", "any,base,linux,linux-arm64,unix,unix-arm64")]
    public void A_rid_keeps_itself_and_what_it_imports(string rid, string kept)
    {
        Assert.Equal(kept.Split(','), RuntimeAssetFilter.For(rid).Kept);
    }

    [Theory]
    [InlineData("runtimes/linux-x64/native/libe_sqlite3.so", true)]
    [InlineData("runtimes/unix/lib/net8.0/System.IO.Ports.dll", true)]
    [InlineData("runtimes/linux/native/libfoo.so", true)]
    [InlineData("lib/net8.0/SQLitePCLRaw.core.dll", true)]
    [InlineData("fr/Humanizer.resources.dll", true)]
    [InlineData("runtimes/win-x64/native/e_sqlite3.dll", false)]
    [InlineData("runtimes/osx-arm64/native/libe_sqlite3.dylib", false)]
    [InlineData("runtimes/linux-musl-x64/native/libe_sqlite3.so", false)]
    [InlineData("runtimes/linux-arm64/native/libe_sqlite3.so", false)]
    [InlineData("runtimes/browser-wasm/nativeassets/net8.0/e_sqlite3.a", false)]
    [InlineData("runtimes/win/lib/net8.0/System.IO.Ports.dll", false)]
    public void Linux_x64_keeps_only_its_runtimes_assets(string path, bool kept)
    {
        var filter = RuntimeAssetFilter.For("linux-x64");
        Assert.Equal(kept, filter.Keeps(path));
        Assert.Equal(kept, filter.KeepsInPackagesFolder("sqlitepclraw.lib.e_sqlite3/2.1.10/" + path));
    }

    [Fact]
    public void In_a_packages_folder_the_nupkg_goes_and_the_metadata_stays()
    {
        var filter = RuntimeAssetFilter.For("linux-x64");
        Assert.False(filter.KeepsInPackagesFolder("sqlitepclraw.lib.e_sqlite3/2.1.10/sqlitepclraw.lib.e_sqlite3.2.1.10.nupkg"));
        Assert.True(filter.KeepsInPackagesFolder("sqlitepclraw.lib.e_sqlite3/2.1.10/.nupkg.metadata"));
        Assert.True(filter.KeepsInPackagesFolder("sqlitepclraw.lib.e_sqlite3/2.1.10/sqlitepclraw.lib.e_sqlite3.nuspec"));
    }
}
