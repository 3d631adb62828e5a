using System.IO.Compression;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// Issue 11 item 4: size and count limits, checked on the declared sizes before anything is inflated or written and
/// on the bytes actually inflated. Limits are lowered per test so the packages stay a few KB on disk.
/// </summary>
public sealed class VerifyLimitsTests : InstallTestBase
{
    private InstallRequest Request(string package, PackageLimits? limits) => new()
    {
        Package = package, Root = Root, Sources = new[] { Feed }, WorkingDirectory = Temp.Path, Limits = limits,
    };

    /// <summary>verify reports the code; install throws it (exit 2) and the install root was never created.</summary>
    private async Task AssertRefused(string package, string code, PackageLimits? limits = null)
    {
        var result = new PackageVerifier(limits).Verify(package);
        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == code);
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => FunctionInstaller.CreateDefault().InstallAsync(Request(package, limits)));
        Assert.Equal(code, ex.Code);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
        Assert.False(Directory.Exists(Root), "checked before anything is written");
    }

    [Fact]
    public async Task A_zip_bomb_entry_is_FPKG5025_with_the_default_limits()
    {
        var builder = new FunctionPackageBuilder();
        builder.FunctionFiles["data/bomb.bin"] = new byte[4 * 1024 * 1024]; // deflates about 1000:1
        var package = builder.Build(Temp.Folder("out"));
        Assert.True(new FileInfo(package).Length < 64 * 1024);

        await AssertRefused(package, DiagnosticCodes.CompressionRatioTooHigh, PackageLimits.Default);
        Assert.Equal(ExitCodes.VerificationFailed, await CliApplication.RunAsync(new[] { "verify", package }, new StringWriter()));
    }

    [Fact]
    public async Task A_file_over_the_per_file_limit_is_FPKG5022()
    {
        var builder = new FunctionPackageBuilder();
        builder.FunctionFiles["data/big.bin"] = new byte[5000];
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.EntryTooLarge, new PackageLimits { MaxEntryBytes = 4000 });
    }

    [Fact]
    public async Task Files_over_the_total_limit_are_FPKG5023()
    {
        var builder = new FunctionPackageBuilder();
        for (var i = 0; i < 4; i++) builder.FunctionFiles[$"data/{i}.bin"] = new byte[1000];
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.PackageTooLarge, new PackageLimits { MaxTotalBytes = 3000 });
    }

    [Fact]
    public async Task Entries_over_the_count_limit_are_FPKG5024()
    {
        var builder = new FunctionPackageBuilder();
        for (var i = 0; i < 20; i++) builder.FunctionFiles[$"data/{i}.txt"] = new byte[] { (byte)i };
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.TooManyEntries, new PackageLimits { MaxEntries = 10 });
    }

    [Fact]
    public async Task A_manifest_over_the_manifest_limit_is_FPKG5021()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        await AssertRefused(package, DiagnosticCodes.ManifestTooLarge, new PackageLimits { MaxManifestBytes = 300 });
    }

    [Fact]
    public async Task An_entry_that_inflates_past_its_declared_size_is_refused_while_streaming()
    {
        var builder = new FunctionPackageBuilder();
        var payload = new byte[64 * 1024];
        builder.FunctionFiles["data/lie.bin"] = payload;
        var package = builder.Build(Temp.Folder("out"));
        // Stored, so the data is 64 KiB whatever the header says; then the header claims 100 bytes.
        FunctionPackageBuilder.EditZip(package, zip =>
        {
            zip.GetEntry("function/data/lie.bin")!.Delete();
            using var stream = zip.CreateEntry("function/data/lie.bin", CompressionLevel.NoCompression).Open();
            stream.Write(payload);
        });
        ZipHeaders.SetDeclaredUncompressedSize(package, "function/data/lie.bin", 100);

        await AssertRefused(package, DiagnosticCodes.EntryTooLarge, PackageLimits.Default);
    }

    [Fact]
    public async Task A_zip_bomb_inside_a_referenced_dependency_is_refused_before_the_packages_folder_is_written()
    {
        var dependency = DependencyPackageBuilder.Build(Feed, "Dep.A", "1.0.0");
        FunctionPackageBuilder.EditZip(dependency.NupkgPath, zip => FunctionPackageBuilder.AddEntry(zip, "lib/net8.0/bomb.bin", new byte[4 * 1024 * 1024]));
        dependency = dependency with { ContentHash = DependencyPackageBuilder.ContentHashOf(dependency.NupkgPath) };
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(dependency);
        var package = builder.Build(Temp.Folder("out"));
        Assert.True(new PackageVerifier(PackageLimits.Default).Verify(package).IsValid); // the function package itself is fine

        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => FunctionInstaller.CreateDefault().InstallAsync(Request(package, PackageLimits.Default)));
        Assert.Equal(DiagnosticCodes.CompressionRatioTooHigh, ex.Code);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
        Assert.False(Directory.Exists(Path.Combine(Root, "packages", "dep.a")));
        Assert.False(Directory.Exists(Path.Combine(Root, "functions", "hello.function")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root, ".staging")));
    }

    [Fact]
    public async Task Limits_at_their_defaults_accept_an_ordinary_package()
    {
        var builder = new FunctionPackageBuilder { DependencyMode = FunctionPackageFormat.EmbedMode };
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Feed, "Dep.A", "1.0.0"));
        builder.FunctionFiles["data/text.txt"] = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("ordinary text compresses well ", 40_000)));
        var package = builder.Build(Temp.Folder("out"));
        Assert.Empty(new PackageVerifier(PackageLimits.Default).Verify(package).Issues);
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, PackageLimits.Default));
        Assert.True(File.Exists(Path.Combine(Root, "functions", "hello.function", "1.0.0", "function", "data", "text.txt")));
    }
}

/// <summary>Tests that set FNPKG_* variables: the process environment is shared, so they never run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "process environment";
}

[Collection(EnvironmentCollection.Name)]
public sealed class VerifyLimitVariableTests : IDisposable
{
    private readonly TempDirectory Temp = new();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PackageLimits.RatioVariable, null);
        Environment.SetEnvironmentVariable(PackageLimits.EntriesVariable, null);
        Temp.Dispose();
    }

    [Fact]
    public async Task FNPKG_MAX_COMPRESSION_RATIO_raises_the_ratio_limit()
    {
        var builder = new FunctionPackageBuilder();
        builder.FunctionFiles["data/zeros.bin"] = new byte[2 * 1024 * 1024];
        var package = builder.Build(Temp.Folder("out"));
        Assert.Equal(ExitCodes.VerificationFailed, await CliApplication.RunAsync(new[] { "verify", package }, new StringWriter()));

        Environment.SetEnvironmentVariable(PackageLimits.RatioVariable, "5000");
        Assert.Equal(ExitCodes.Success, await CliApplication.RunAsync(new[] { "verify", package }, new StringWriter()));
    }

    [Fact]
    public async Task A_limit_variable_that_is_not_a_number_is_FPKG5027_exit_1()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        Environment.SetEnvironmentVariable(PackageLimits.EntriesVariable, "lots");
        Assert.Equal(DiagnosticCodes.InvalidLimit, Assert.Throws<FunctionPackageException>(() => PackageLimits.FromEnvironment()).Code);
        Assert.Equal(ExitCodes.Usage, await CliApplication.RunAsync(new[] { "verify", package }, new StringWriter()));
    }
}
