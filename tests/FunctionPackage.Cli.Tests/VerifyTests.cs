using System.IO.Compression;
using System.Text;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

public sealed class VerifyTests : InstallTestBase
{
    [Theory]
    [InlineData(FunctionPackageFormat.ReferenceMode)]
    [InlineData(FunctionPackageFormat.EmbedMode)]
    public async Task Valid_package_verifies_with_exit_code_0(string mode)
    {
        var package = Function(mode).Build(Temp.Folder("out"));

        var result = new PackageVerifier().Verify(package);
        Assert.Empty(result.Issues);
        Assert.True(result.IsValid);
        Assert.Equal("Hello.Function", result.Manifest!.Id);

        var (exitCode, output) = await RunCli("verify", package);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("Hello.Function 1.0.0: verified", output);
    }

    /// <summary>Verifies a broken package through the logic and the CLI: the expected code, exit code 2.</summary>
    private async Task AssertFails(string package, string expectedCode)
    {
        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == expectedCode);
        var (exitCode, _) = await RunCli("verify", package);
        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
    }

    [Fact]
    public async Task Function_file_changed_after_packing_is_a_hash_mismatch()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, "function/Hello.Function.dll", Encoding.UTF8.GetBytes("evil")));
        await AssertFails(package, DiagnosticCodes.FileHashMismatch);
    }

    [Fact]
    public async Task File_added_after_packing_is_unlisted()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, "function/extra.dll", new byte[] { 1 }));
        await AssertFails(package, DiagnosticCodes.UnlistedFile);
    }

    [Fact]
    public async Task Sbom_added_after_packing_is_unlisted()
    {
        // sbom.cdx.json is a payload file like function/*: it must be listed in files[] with its hash.
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, FunctionPackageFormat.SbomPath, Encoding.UTF8.GetBytes("{}")));
        await AssertFails(package, DiagnosticCodes.UnlistedFile);
    }

    [Fact]
    public async Task Listed_file_removed_is_missing()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => zip.GetEntry("function/data/greeting.txt")!.Delete());
        await AssertFails(package, DiagnosticCodes.MissingFile);
    }

    [Fact]
    public async Task Replaced_embedded_dependency_is_a_content_hash_mismatch()
    {
        var package = Function(FunctionPackageFormat.EmbedMode).Build(Temp.Folder("out"));
        var impostor = DependencyPackageBuilder.Build(Temp.Folder("other"), "Dep.A", "1.0.0", salt: "evil");
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, "packages/dep.a.1.0.0.nupkg", File.ReadAllBytes(impostor.NupkgPath)));
        var result = new PackageVerifier().Verify(package);
        Assert.Contains(result.Issues, i => i.Code == DiagnosticCodes.EmbeddedPackageHashMismatch);
        await AssertFails(package, DiagnosticCodes.EmbeddedPackageHashMismatch);
    }

    [Fact]
    public async Task Embed_mode_without_the_embedded_package_fails()
    {
        var builder = Function(FunctionPackageFormat.EmbedMode);
        var package = builder.Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => zip.GetEntry("packages/dep.b.2.1.0.nupkg")!.Delete());
        await AssertFails(package, DiagnosticCodes.EmbeddedPackageMissing);
    }

    [Fact]
    public async Task Nuspec_dependencies_that_differ_from_the_manifest_fail()
    {
        var builder = Function(FunctionPackageFormat.ReferenceMode);
        builder.NuspecDependencies = new() { ("Dep.A", "1.0.0"), ("Dep.B", "2.0.0") };
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.NuspecDependenciesMismatch);
    }

    [Fact]
    public async Task Manifest_id_that_differs_from_the_nuspec_fails()
    {
        var builder = new FunctionPackageBuilder { NuspecId = "Other.Function" };
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.IdentityMismatch);
    }

    [Fact]
    public async Task Package_without_the_FunctionPackage_type_fails()
    {
        var builder = new FunctionPackageBuilder { IncludePackageType = false };
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.PackageTypeMissing);
    }

    [Fact]
    public async Task Missing_manifest_fails()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => zip.GetEntry("function.json")!.Delete());
        await AssertFails(package, DiagnosticCodes.ManifestMissing);
    }

    [Fact]
    public async Task Unknown_schema_version_fails()
    {
        var builder = new FunctionPackageBuilder { EditManifest = m => m.SchemaVersion = 2 };
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.UnsupportedSchemaVersion);
    }

    [Fact]
    public async Task Unknown_profile_fails()
    {
        var builder = new FunctionPackageBuilder { EditManifest = m => m.Profile = "java" };
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.UnsupportedProfile);
    }

    [Fact]
    public async Task Missing_entry_assembly_fails()
    {
        var builder = new FunctionPackageBuilder { EditManifest = m => m.EntryPoint.Assembly = "Nope.dll" };
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.EntryAssemblyMissing);
    }

    [Fact]
    public async Task Dependency_path_that_escapes_the_packages_folder_fails()
    {
        var builder = Function(FunctionPackageFormat.ReferenceMode);
        builder.EditManifest = m => m.Dependencies[0].Path = "../../etc";
        await AssertFails(builder.Build(Temp.Folder("out")), DiagnosticCodes.InvalidManifestPath);
    }

    [Theory]
    [InlineData("function/../../evil.txt")]
    [InlineData("/etc/evil.txt")]
    [InlineData("function\\..\\..\\evil.txt")]
    [InlineData("function/%2e%2e/%2e%2e/evil.txt")]
    [InlineData("C:/evil.txt")]
    public async Task Zip_slip_entries_fail(string entryName)
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, entryName, Encoding.UTF8.GetBytes("x")));
        await AssertFails(package, DiagnosticCodes.UnsafeEntryPath);
    }

    [Fact]
    public async Task Not_a_zip_is_FPKG5001_exit_2_and_a_missing_file_FPKG5210_exit_3()
    {
        var junk = Temp.Combine("junk.nupkg");
        File.WriteAllText(junk, "not a zip");
        Assert.Equal(DiagnosticCodes.PackageUnreadable, Assert.Throws<FunctionPackageException>(() => new PackageVerifier().Verify(junk)).Code);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", junk)).ExitCode);
        // Split from FPKG5001, which used to mean both (and mapped to exit 2 and 3).
        var absent = Temp.Combine("absent.nupkg");
        Assert.Equal(DiagnosticCodes.PackageFileNotFound, Assert.Throws<FunctionPackageException>(() => new PackageVerifier().Verify(absent)).Code);
        Assert.Equal(ExitCodes.NotFound, (await RunCli("verify", absent)).ExitCode);
    }

    [Fact]
    public async Task Missing_argument_is_a_usage_error()
    {
        Assert.Equal(ExitCodes.Usage, (await RunCli("verify")).ExitCode);
    }
}
