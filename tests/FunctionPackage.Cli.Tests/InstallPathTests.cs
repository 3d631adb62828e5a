using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Cli.Tests.Fixtures;

namespace FunctionPackage.Cli.Tests;

/// <summary>The one helper every install path goes through: it never returns a path outside its base.</summary>
public sealed class InstallPathTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("functions", "hello/1.0.0")]
    [InlineData("functions", "a/b/c.dll")]
    public void A_safe_relative_path_stays_under_its_base(string folder, string relative)
    {
        var basePath = _temp.Combine(folder);
        var full = PackagePaths.Combine(basePath, relative);
        Assert.StartsWith(basePath + Path.DirectorySeparatorChar, full);
        Assert.Equal(Path.Combine(basePath, relative), full);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/tmp/x")]
    [InlineData("a\\..\\..\\x")]
    [InlineData("")]
    [InlineData("a//b")]
    [InlineData("~/x")]
    public void A_path_that_could_leave_its_base_is_FPKG5020(string relative)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => PackagePaths.Combine(_temp.Path, relative));
        Assert.Equal(DiagnosticCodes.PathEscapesBase, ex.Code);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    public void A_folder_name_must_be_one_segment(string name)
        => Assert.Equal(DiagnosticCodes.PathEscapesBase, Assert.Throws<FunctionPackageException>(() => PackagePaths.CombineNames(_temp.Path, name, "1.0.0")).Code);

    [Fact]
    public void A_path_longer_than_PATH_MAX_is_FPKG5026()
    {
        var relative = string.Join('/', Enumerable.Repeat(new string('x', 200), 25));
        Assert.Equal(DiagnosticCodes.UnextractableEntry, Assert.Throws<FunctionPackageException>(() => PackagePaths.Combine(_temp.Path, relative)).Code);
    }

    [Theory]
    [InlineData("../../../pwned", "1.0.0")]
    [InlineData("/tmp/x", "1.0.0")]
    [InlineData("a/b", "1.0.0")]
    [InlineData("..", "1.0.0")]
    [InlineData("ok", "../..")]
    public void Function_folders_of_hostile_identities_are_refused(string id, string version)
    {
        var layout = new InstallLayout(_temp.Combine("root"));
        Assert.Equal(DiagnosticCodes.PathEscapesBase, Assert.Throws<FunctionPackageException>(() => layout.FunctionDirectory(id, version)).Code);
    }

    [Fact]
    public void Function_folder_of_a_valid_identity_is_lower_case_and_normalized()
        => Assert.Equal(_temp.Combine("root", "functions", "hello.function", "1.2.0"), new InstallLayout(_temp.Combine("root")).FunctionDirectory("Hello.Function", "1.2"));
}
