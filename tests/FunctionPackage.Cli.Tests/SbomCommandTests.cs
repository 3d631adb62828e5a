using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Model;
using FunctionPackage.Testing;

namespace FunctionPackage.Cli.Tests;

/// <summary><c>fnpkg sbom</c>: prints the package's verified sbom.cdx.json (the SDK's tests check what it contains).</summary>
public sealed class SbomCommandTests : InstallTestBase
{
    private static readonly byte[] Sbom = Encoding.UTF8.GetBytes("{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\"\n}\n");

    [Fact]
    public async Task Prints_the_packages_sbom_byte_for_byte()
    {
        var package = new FunctionPackageBuilder { Sbom = Sbom }.Build(Temp.Folder("out"));

        var (exitCode, output) = await RunCli("sbom", package);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(Sbom, Encoding.UTF8.GetBytes(output));
    }

    [Fact]
    public async Task A_changed_sbom_fails_verification_and_prints_nothing()
    {
        var package = new FunctionPackageBuilder { Sbom = Sbom }.Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, FunctionPackageFormat.SbomPath, Encoding.UTF8.GetBytes("{}")));

        var (exitCode, output) = await RunCli("sbom", package);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Equal("", output);
        Assert.Contains(new FunctionPackage.Installing.Verification.PackageVerifier().Verify(package).Issues, i => i.Code == DiagnosticCodes.FileHashMismatch);
    }

    [Fact]
    public void A_package_without_an_sbom_is_FPKG2052_with_exit_code_2()
    {
        var package = new FunctionPackageBuilder().Build(Temp.Folder("out"));

        // Out of process, to read stderr without redirecting the console of tests running beside this one. fnpkg's own
        // build output, not the copy in this test's folder: the tests reference ASP.NET Core's shared framework, so the
        // Microsoft.Extensions.* packages fnpkg's deps.json names are not copied here.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var fnpkg = Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Cli", "bin", testOutput.Parent!.Name, testOutput.Name, "fnpkg.dll");
        Assert.True(File.Exists(fnpkg), $"{fnpkg} is missing: build src/FunctionPackage.Cli in the configuration of the tests.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(fnpkg);
        start.ArgumentList.Add("sbom");
        start.ArgumentList.Add(package);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "fnpkg sbom did not exit within 60 s");

        Assert.True(process.ExitCode == ExitCodes.VerificationFailed, $"exit {process.ExitCode}\n{stderr.Result}");
        Assert.Equal("", stdout.Result);
        Assert.Contains($"{CliApplication.SbomMissingCode}: ", stderr.Result, StringComparison.Ordinal);
        Assert.Contains("Publish it again with the current FunctionPackage.Sdk", stderr.Result, StringComparison.Ordinal);
    }
}
