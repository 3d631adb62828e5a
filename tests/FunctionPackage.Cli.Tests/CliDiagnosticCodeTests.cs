using System.Text;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

/// <summary>One real input per FPKG5xxx code that no other test provokes: the code, the exit code, and nothing written.</summary>
public sealed class CliDiagnosticCodeTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _feed;
    private readonly string _root;

    public CliDiagnosticCodeTests()
    {
        _feed = _temp.Folder("feed");
        _root = _temp.Combine("root");
    }

    public void Dispose() => _temp.Dispose();

    private FunctionPackageBuilder Function()
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0"));
        return builder;
    }

    private InstallRequest Request(string package, params string[] sources) => new()
    {
        Package = package,
        Root = _root,
        Sources = sources,
        WorkingDirectory = _temp.Path,
    };

    private static async Task<(int ExitCode, string Output)> RunCli(params string[] args)
    {
        var output = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, output);
        return (exitCode, output.ToString());
    }

    private static async Task<FunctionPackageException> AssertInstallFails(Task install, string code, int exitCode)
    {
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => install);
        Assert.Equal(code, ex.Code);
        Assert.Equal(exitCode, ExitCodeTable.For(ex.Code));
        return ex;
    }

    /// <summary>No function folder and no staging leftovers under the install root.</summary>
    private void AssertNothingInstalled()
    {
        var functions = Path.Combine(_root, "functions");
        Assert.False(Directory.Exists(functions) && Directory.EnumerateFileSystemEntries(functions).Any(), "no function folder expected");
        var staging = Path.Combine(_root, ".staging");
        Assert.False(Directory.Exists(staging) && Directory.EnumerateFileSystemEntries(staging).Any(), "no staging leftovers expected");
    }

    /// <summary>A working directory whose NuGet.config clears every source inherited from user or machine configs.</summary>
    private void WriteNuGetConfigWithNoSources()
        => File.WriteAllText(_temp.Combine("NuGet.config"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");

    [Fact]
    public async Task Function_json_that_is_not_json_is_FPKG5003_exit_2_and_installs_nothing()
    {
        var package = Function().Build(_temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, FunctionPackageFormat.ManifestFileName, Encoding.UTF8.GetBytes("{ this is not json")));

        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid);
        Assert.Null(result.Manifest);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.ManifestInvalid);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, _feed)), DiagnosticCodes.ManifestInvalid, ExitCodes.VerificationFailed);
        Assert.False(Directory.Exists(_root)); // verified before anything was written
    }

    [Fact]
    public async Task Dependency_listed_twice_in_the_manifest_is_FPKG5003()
    {
        var builder = Function();
        builder.EditManifest = m => m.Dependencies.Add(m.Dependencies[0]);
        var package = builder.Build(_temp.Folder("out"));

        var result = new PackageVerifier().Verify(package);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.ManifestInvalid && i.Message.Contains("listed twice"));
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);
    }

    [Theory]
    [InlineData("function/data/greeting.txt")] // the same name twice
    [InlineData("FUNCTION/DATA/GREETING.TXT")] // one file on a case-insensitive file system
    public async Task Duplicate_zip_entry_is_FPKG5017_exit_2_and_installs_nothing(string duplicateName)
    {
        var package = Function().Build(_temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, duplicateName, Encoding.UTF8.GetBytes("other")));

        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.DuplicateEntry);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, _feed)), DiagnosticCodes.DuplicateEntry, ExitCodes.VerificationFailed);
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public async Task Id_at_version_absent_from_a_folder_feed_is_FPKG5102_exit_3()
    {
        Function().Build(_feed); // the feed has Hello.Function 1.0.0 (and Dep.A), not 2.0.0

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@2.0.0", _feed)), DiagnosticCodes.FunctionPackageNotFound, ExitCodes.NotFound);
        AssertNothingInstalled();
        Assert.Equal(ExitCodes.NotFound, (await RunCli("install", "Hello.Function@2.0.0", "--root", _root, "--source", _feed)).ExitCode);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task Reference_mode_with_no_source_anywhere_is_FPKG5106_exit_3()
    {
        WriteNuGetConfigWithNoSources();
        var builder = Function();
        Assert.Empty(builder.Sources); // no sources hint in the manifest either
        var package = builder.Build(_temp.Folder("out"));

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package)), DiagnosticCodes.NoSources, ExitCodes.NotFound);
        Assert.Contains("--source", ex.Message);
        AssertNothingInstalled();
        Assert.False(Directory.Exists(Path.Combine(_root, "packages", "dep.a")));
    }

    [Fact]
    public async Task Id_at_version_with_no_source_anywhere_is_FPKG5106_exit_3()
    {
        WriteNuGetConfigWithNoSources();

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0")), DiagnosticCodes.NoSources, ExitCodes.NotFound);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task Materialize_into_a_non_empty_folder_is_FPKG5109_exit_5_and_leaves_it_untouched()
    {
        var package = Function().Build(_temp.Folder("out"));
        var target = _temp.Folder("publish");
        var existing = Path.Combine(target, "mine.txt");
        File.WriteAllText(existing, "keep me");
        var request = Request(package, _feed) with { MaterializeDirectory = target };

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(request), DiagnosticCodes.MaterializeTargetNotEmpty, ExitCodes.Conflict);
        // Checked before anything is written: the function is not installed either.
        AssertNothingInstalled();
        Assert.Equal(new[] { existing }, Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories));
        Assert.Equal("keep me", File.ReadAllText(existing));
        // No temp folder left beside the target either.
        Assert.Equal(new[] { "feed", "out", "publish" }, Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Where(n => n != "root").Order(StringComparer.Ordinal));

        var exitCode = (await RunCli("install", package, "--root", _root, "--source", _feed, "--materialize", target)).ExitCode;
        Assert.Equal(ExitCodes.Conflict, exitCode);
        Assert.Equal(new[] { existing }, Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories));
    }
}
