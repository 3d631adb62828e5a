using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// Issue 11 item 1: an id or version from a package must never take an install path outside the root.
/// The root is nested (sandbox/a/b/root) so that "../../.." lands inside the sandbox, where the test can see it.
/// </summary>
public sealed class VerifyHostileIdTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _sandbox;
    private readonly string _root;
    private readonly string _feed;
    private readonly string _out;
    /// <summary>An absolute path a rooted id could point at; it must never be created.</summary>
    private readonly string _marker = Path.Combine(Path.GetTempPath(), "fnpkg-pwned-" + Guid.NewGuid().ToString("N")[..8]);

    public VerifyHostileIdTests()
    {
        _sandbox = _temp.Folder("sandbox");
        _root = Path.Combine(_sandbox, "a", "b", "root");
        _feed = _temp.Folder("sandbox/feed");
        _out = _temp.Folder("sandbox/out");
    }

    public void Dispose()
    {
        if (Directory.Exists(_marker)) Directory.Delete(_marker, recursive: true);
        _temp.Dispose();
    }

    private string Hostile(string id) => id.Replace("{tmp}", _marker, StringComparison.Ordinal);

    private static async Task<int> RunCli(params string[] args) => await CliApplication.RunAsync(args, new StringWriter());

    private void AssertNothingWrittenOutsideTheRoot()
    {
        Assert.Empty(PackageEdits.FilesOutside(_sandbox, _root, _feed, _out));
        Assert.False(Directory.Exists(_marker), $"{_marker} was created");
        var functions = Path.Combine(_root, "functions");
        Assert.False(Directory.Exists(functions) && Directory.EnumerateFileSystemEntries(functions).Any(), "nothing may be installed");
    }

    /// <summary>verify (logic and CLI) reports <paramref name="code"/>; install refuses with a code and exit 2, writing nothing anywhere.</summary>
    private async Task AssertRefused(string package, string code)
    {
        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == code);
        Assert.Equal(ExitCodes.VerificationFailed, await RunCli("verify", package));

        var request = new InstallRequest { Package = package, Root = _root, Sources = new[] { _feed }, WorkingDirectory = _temp.Path };
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => FunctionInstaller.CreateDefault().InstallAsync(request));
        Assert.Equal(code, ex.Code);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
        Assert.Equal(ExitCodes.VerificationFailed, await RunCli("install", package, "--root", _root, "--source", _feed, "--materialize", Path.Combine(_sandbox, "a", "b", "root", "publish")));
        AssertNothingWrittenOutsideTheRoot();
    }

    [Theory]
    [InlineData("../../../pwned")]
    [InlineData("{tmp}")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\..\\..\\b")]
    [InlineData("./x")]
    [InlineData("x ")]
    public async Task Function_id_that_is_not_a_NuGet_id_is_FPKG5019_at_verify_and_install(string id)
    {
        var package = new FunctionPackageBuilder().Build(_out);
        PackageEdits.SetId(package, Hostile(id));
        await AssertRefused(package, DiagnosticCodes.InvalidPackageIdentity);
    }

    [Theory]
    [InlineData(FunctionPackageFormat.ReferenceMode, "../../pwned")]
    [InlineData(FunctionPackageFormat.EmbedMode, "../../pwned")]
    [InlineData(FunctionPackageFormat.ReferenceMode, "{tmp}")]
    [InlineData(FunctionPackageFormat.EmbedMode, "a/b")]
    public async Task Dependency_id_that_is_not_a_NuGet_id_is_FPKG5019_at_verify_and_install(string mode, string id)
    {
        var hostile = Hostile(id);
        var builder = new FunctionPackageBuilder { DependencyMode = mode };
        builder.Dependencies.Add(DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0"));
        builder.EditManifest = m =>
        {
            m.Dependencies[0].Id = hostile;
            m.Dependencies[0].Path = hostile.ToLowerInvariant() + "/1.0.0";
        };
        var package = builder.Build(_out);
        PackageEdits.EditNuspec(package, text => text.Replace("id=\"Dep.A\"", $"id=\"{hostile}\"", StringComparison.Ordinal));
        await AssertRefused(package, DiagnosticCodes.InvalidPackageIdentity);
    }

    [Theory]
    [InlineData("1.0.0/../../x")]
    [InlineData("../1.0.0")]
    [InlineData(" 1.0.0")]
    public async Task Dependency_version_that_is_not_a_NuGet_version_is_FPKG5019(string version)
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0"));
        builder.EditManifest = m => m.Dependencies[0].Version = version;
        await AssertRefused(builder.Build(_out), DiagnosticCodes.InvalidPackageIdentity);
    }

    [Fact]
    public async Task Nuspec_dependency_id_that_is_not_a_NuGet_id_is_FPKG5019()
    {
        var package = new FunctionPackageBuilder().Build(_out);
        PackageEdits.EditNuspec(package, text => text.Replace("<dependencies>", "<dependencies><group targetFramework=\"net10.0\"><dependency id=\"../../x\" version=\"[1.0.0]\" /></group>", StringComparison.Ordinal));
        Assert.Contains(new PackageVerifier().Verify(package).Issues, i => i.Code == DiagnosticCodes.InvalidPackageIdentity);
        Assert.Equal(ExitCodes.VerificationFailed, await RunCli("verify", package));
    }

    [Fact]
    public async Task Id_at_version_that_would_leave_the_root_is_refused_before_anything_is_written()
    {
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => FunctionInstaller.CreateDefault().InstallAsync(
            new InstallRequest { Package = "../../../pwned@1.0.0", Root = _root, Sources = new[] { _feed }, WorkingDirectory = _temp.Path }));
        // Not a NuGet id at all: the argument parser refuses it (FPKG5110) before the install path is even built.
        Assert.Equal(DiagnosticCodes.InvalidPackageReference, ex.Code);
        Assert.Equal(ExitCodes.Usage, ExitCodeTable.For(ex.Code));
        AssertNothingWrittenOutsideTheRoot();
    }
}
