using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.Packaging;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

public sealed class SizeBudgetTests : IDisposable
{
    private readonly PublishFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("1000", 1000L)]
    [InlineData("1000B", 1000L)]
    [InlineData("1.5 kb", 1536L)]
    [InlineData("250MB", 262_144_000L)]
    [InlineData(" 2GB ", 2_147_483_648L)]
    public void Sizes_are_bytes_or_binary_KB_MB_GB(string text, long bytes) => Assert.Equal(bytes, SizeBudget.Parse(text));

    [Fact]
    public void No_value_is_no_budget() => Assert.Null(SizeBudget.Parse(""));

    [Theory]
    [InlineData("ten")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("5TB")]
    [InlineData("1,5MB")]
    public void Anything_else_is_FPKG2051_naming_the_value(string text)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => SizeBudget.Parse(text));
        Assert.Equal(DiagnosticCodes.InvalidMaxSize, ex.Code);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A closure with one big dependency asset (3000 bytes) and small own files.</summary>
    private FunctionPackageRequest BigClosure(string maxSize, bool isError = false)
    {
        File.WriteAllBytes(Path.Combine(_fixture.PublishDir, "Zeta.Lib.dll"), new byte[3000]);
        File.WriteAllBytes(Path.Combine(_fixture.PublishDir, "Alpha.Lib.dll"), new byte[100]);
        var request = _fixture.CreateRequest();
        request.MaxSize = maxSize;
        request.MaxSizeIsError = isError;
        return request;
    }

    [Fact]
    public void Over_budget_is_a_FPKG2050_warning_naming_the_biggest_contributors_and_the_package_is_written()
    {
        var result = new FunctionPackageWriter().Write(BigClosure("2KB"));

        Assert.True(File.Exists(_fixture.OutputPath));
        Assert.NotNull(result.SizeBudgetWarning);
        Assert.Contains("over FunctionPackageMaxSize 2.0 KB (2048 bytes)", result.SizeBudgetWarning, StringComparison.Ordinal);
        // Biggest first: the dependency's published assets, then the own files.
        Assert.Contains("Biggest: Zeta.Lib 2.0.0 (2.9 KB), ", result.SizeBudgetWarning, StringComparison.Ordinal);
        Assert.Contains("Alpha.Lib 1.0.0 (100 B)", result.SizeBudgetWarning, StringComparison.Ordinal);
        var total = new[] { "Fn.dll", "Fn.runtimeconfig.json", "data/prices.json", "Zeta.Lib.dll", "Alpha.Lib.dll" }
            .Sum(f => new FileInfo(Path.Combine(_fixture.PublishDir, f)).Length);
        Assert.Contains($"({total} bytes)", result.SizeBudgetWarning, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_budget_there_is_no_warning()
        => Assert.Null(new FunctionPackageWriter().Write(BigClosure("1MB")).SizeBudgetWarning);

    [Fact]
    public void Over_budget_as_an_error_is_FPKG2050_and_leaves_no_package_not_even_an_earlier_one()
    {
        new FunctionPackageWriter().Write(_fixture.CreateRequest());
        Assert.True(File.Exists(_fixture.OutputPath));

        var ex = Assert.Throws<FunctionPackageException>(() => new FunctionPackageWriter().Write(BigClosure("2KB", isError: true)));

        Assert.Equal(DiagnosticCodes.SizeBudgetExceeded, ex.Code);
        Assert.Contains("Zeta.Lib 2.0.0", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_fixture.OutputPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_fixture.OutputPath)!));
    }
}
