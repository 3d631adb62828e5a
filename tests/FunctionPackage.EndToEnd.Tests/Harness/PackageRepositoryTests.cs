using System.Xml.Linq;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Harness;

public sealed class PackageRepositoryTests : IDisposable
{
    private readonly TestRoot _root = new("harness");

    [Fact]
    public void Writes_isolated_NuGet_config()
    {
        var feed = _root.Combine("feed");
        var repository = PackageRepository.Create(_root.Path, feed, PackageRepository.NuGetOrg);

        var config = XDocument.Load(repository.NuGetConfigPath).Root!;
        var sources = config.Element("packageSources")!.Elements().ToList();
        Assert.Equal("clear", sources[0].Name.LocalName);
        Assert.Equal(new[] { feed, PackageRepository.NuGetOrg }, sources.Skip(1).Select(s => (string?)s.Attribute("value")));
        var packages = config.Element("config")!.Elements("add").Single(e => (string?)e.Attribute("key") == "globalPackagesFolder");
        Assert.Equal(repository.PackagesFolder, (string?)packages.Attribute("value"));
        Assert.Equal(_root.Combine(".packages"), repository.PackagesFolder);
        Assert.True(Directory.Exists(repository.PackagesFolder));
    }

    [Fact]
    public void Projects_below_the_root_find_its_packages_folder()
    {
        var repository = PackageRepository.Create(_root.Path, PackageRepository.NuGetOrg);
        var project = Directory.CreateDirectory(_root.Combine("src", "Hello")).FullName;

        Assert.Equal(repository.PackagesFolder, PackageRepository.FindGlobalPackagesFolder(project));
    }

    public void Dispose() => _root.Dispose();
}

public sealed class TestRootAndRepoPathsTests
{
    [Fact]
    public void Test_root_is_outside_the_repository_and_deleted_on_dispose()
    {
        string path;
        using (var root = new TestRoot())
        {
            path = root.Path;
            Assert.True(Directory.Exists(path));
            Assert.False(path.StartsWith(RepoPaths.Root, StringComparison.Ordinal), $"{path} is inside {RepoPaths.Root}");
        }
        Assert.Equal(TestRoot.KeepRoots, Directory.Exists(path));
    }

    [Fact]
    public void Repo_paths_point_at_the_solution_and_the_version_props()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "Sdk.sln")));
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", RepoPaths.SdkVersion);
        Assert.Equal(Path.Combine(RepoPaths.Root, "artifacts", "feed", $"FunctionPackage.Sdk.{RepoPaths.SdkVersion}.nupkg"), RepoPaths.SdkPackagePath);
    }

    [Fact]
    public void A_missing_SDK_package_fails_with_the_command_that_makes_it()
    {
        using var root = new TestRoot("harness");

        var error = Assert.Throws<InvalidOperationException>(() => RepoPaths.RequireSdkPackage(root.Path));

        Assert.Contains(Path.Combine(root.Path, RepoPaths.SdkPackageFileName), error.Message);
        Assert.Contains("build/pack.sh", error.Message);
    }
}
