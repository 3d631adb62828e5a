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
public sealed class CliDiagnosticCodeTests : InstallTestBase
{
    private FunctionPackageBuilder OneDependencyFunction()
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Feed, "Dep.A", "1.0.0"));
        return builder;
    }

    private static Task<FunctionPackageException> AssertInstallFails(Task install, string code, int exitCode) => InstallAssert.Fails(install, code, exitCode);

    /// <summary>A working directory whose NuGet.config clears every source inherited from user or machine configs.</summary>
    private void WriteNuGetConfigWithNoSources()
        => File.WriteAllText(Temp.Combine("NuGet.config"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");

    [Fact]
    public async Task Function_json_that_is_not_json_is_FPKG5003_exit_2_and_installs_nothing()
    {
        var package = OneDependencyFunction().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, FunctionPackageFormat.ManifestFileName, Encoding.UTF8.GetBytes("{ this is not json")));

        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid);
        Assert.Null(result.Manifest);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.ManifestInvalid);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.ManifestInvalid, ExitCodes.VerificationFailed);
        Assert.False(Directory.Exists(Root)); // verified before anything was written
    }

    [Fact]
    public async Task Dependency_listed_twice_in_the_manifest_is_FPKG5003()
    {
        var builder = OneDependencyFunction();
        builder.EditManifest = m => m.Dependencies.Add(m.Dependencies[0]);
        var package = builder.Build(Temp.Folder("out"));

        var result = new PackageVerifier().Verify(package);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.ManifestInvalid && i.Message.Contains("listed twice"));
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);
    }

    [Theory]
    [InlineData("function/data/greeting.txt")] // the same name twice
    [InlineData("FUNCTION/DATA/GREETING.TXT")] // one file on a case-insensitive file system
    public async Task Duplicate_zip_entry_is_FPKG5017_exit_2_and_installs_nothing(string duplicateName)
    {
        var package = OneDependencyFunction().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, duplicateName, Encoding.UTF8.GetBytes("other")));

        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.DuplicateEntry);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.DuplicateEntry, ExitCodes.VerificationFailed);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Id_at_version_absent_from_a_folder_feed_is_FPKG5102_exit_3()
    {
        OneDependencyFunction().Build(Feed); // the feed has Hello.Function 1.0.0 (and Dep.A), not 2.0.0

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@2.0.0", Feed)), DiagnosticCodes.FunctionPackageNotFound, ExitCodes.NotFound);
        AssertNothingInstalled();
        Assert.Equal(ExitCodes.NotFound, (await RunCli("install", "Hello.Function@2.0.0", "--root", Root, "--source", Feed)).ExitCode);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task Reference_mode_with_no_source_anywhere_is_FPKG5106_exit_3()
    {
        WriteNuGetConfigWithNoSources();
        var builder = OneDependencyFunction();
        Assert.Empty(builder.Sources); // no sources hint in the manifest either
        var package = builder.Build(Temp.Folder("out"));

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package)), DiagnosticCodes.NoSources, ExitCodes.NotFound);
        Assert.Contains("--source", ex.Message);
        AssertNothingInstalled();
        Assert.False(Directory.Exists(Path.Combine(Root, "packages", "dep.a")));
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
        var package = OneDependencyFunction().Build(Temp.Folder("out"));
        var target = Temp.Folder("publish");
        var existing = Path.Combine(target, "mine.txt");
        File.WriteAllText(existing, "keep me");
        var request = Request(package, Feed) with { MaterializeDirectory = target };

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(request), DiagnosticCodes.MaterializeTargetNotEmpty, ExitCodes.Conflict);
        // Checked before anything is written: the function is not installed either.
        AssertNothingInstalled();
        Assert.Equal(new[] { existing }, Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories));
        Assert.Equal("keep me", File.ReadAllText(existing));
        // No temp folder left beside the target either.
        Assert.Equal(new[] { "feed", "out", "publish" }, Directory.GetFileSystemEntries(Temp.Path).Select(Path.GetFileName).Where(n => n != "root").Order(StringComparer.Ordinal));

        var exitCode = (await RunCli("install", package, "--root", Root, "--source", Feed, "--materialize", target)).ExitCode;
        Assert.Equal(ExitCodes.Conflict, exitCode);
        Assert.Equal(new[] { existing }, Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories));
    }
}
