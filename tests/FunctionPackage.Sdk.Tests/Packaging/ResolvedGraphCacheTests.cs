using FunctionPackage.Sdk.Packaging;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

/// <summary>ResolvedGraph.Read keeps the graph of unchanged files for the next packaging run in the process, and only that.</summary>
public sealed class ResolvedGraphCacheTests : IDisposable
{
    private readonly PublishFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void The_same_bytes_give_the_same_graph_and_a_changed_byte_a_new_one()
    {
        _fixture.AddPackage("Gamma.Lib", "3.0.0", "QUFBQQ==");
        _fixture.CreateRequest();
        var first = ResolvedGraph.Read(_fixture.DepsFile, _fixture.AssetsFile);
        Assert.Same(first, ResolvedGraph.Read(_fixture.DepsFile, _fixture.AssetsFile));

        // One byte of the recorded hash, same length and the old write time: the bytes decide, not the stamp.
        var stamp = File.GetLastWriteTimeUtc(_fixture.AssetsFile);
        File.WriteAllText(_fixture.AssetsFile, File.ReadAllText(_fixture.AssetsFile).Replace("QUFBQQ==", "QkFBQQ=="));
        File.SetLastWriteTimeUtc(_fixture.AssetsFile, stamp);
        var second = ResolvedGraph.Read(_fixture.DepsFile, _fixture.AssetsFile);
        Assert.NotSame(first, second);
        Assert.Equal("QkFBQQ==", second.Packages.Single(p => p.Id == "Gamma.Lib").Sha512);
        Assert.Equal("QUFBQQ==", first.Packages.Single(p => p.Id == "Gamma.Lib").Sha512);

        // A package more in deps.json: read again.
        _fixture.AddPackage("Beta.Lib", "2.0.0", "QkJCQg==");
        _fixture.CreateRequest();
        Assert.Contains(ResolvedGraph.Read(_fixture.DepsFile, _fixture.AssetsFile).Packages, p => p.Id == "Beta.Lib");
    }
}
