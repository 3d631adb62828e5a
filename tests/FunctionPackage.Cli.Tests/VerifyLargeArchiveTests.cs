using System.Diagnostics;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using Xunit.Abstractions;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// Issue 11 item 5: the entry checks are linear. 80k entries took 32 s with the old pairwise duplicate check. No timing
/// is asserted (a shared 2-core machine); the time is printed, and the case duplicate among 80k entries must still be found.
/// </summary>
public sealed class VerifyLargeArchiveTests : IDisposable
{
    private const int EntryCount = 80_000;
    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _log;

    public VerifyLargeArchiveTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_package_with_80k_entries_verifies_and_a_case_duplicate_among_them_is_found()
    {
        var builder = new FunctionPackageBuilder();
        for (var i = 0; i < EntryCount; i++) builder.FunctionFiles[$"data/{i / 1000}/{i}.txt"] = new[] { (byte)i };
        var package = builder.Build(_temp.Folder("out"));

        var clock = Stopwatch.StartNew();
        var result = new PackageVerifier().Verify(package);
        _log.WriteLine($"verify of {EntryCount} entries: {clock.ElapsedMilliseconds} ms");
        Assert.Empty(result.Issues);
        Assert.Equal(EntryCount + 4, result.Manifest!.Files.Count);
        Assert.Equal(ExitCodes.Success, await CliApplication.RunAsync(new[] { "verify", package }, new StringWriter()));

        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, "function/DATA/79/79999.TXT", new byte[] { 1 }));
        clock.Restart();
        var duplicate = new PackageVerifier().Verify(package);
        _log.WriteLine($"verify of {EntryCount + 1} entries with a case duplicate: {clock.ElapsedMilliseconds} ms");
        var issue = Assert.Single(duplicate.Issues);
        Assert.Equal(DiagnosticCodes.DuplicateEntry, issue.Code);
    }
}
