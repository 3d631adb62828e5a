using FunctionPackage.Installing.Installation;
using FunctionPackage.Shared;

namespace FunctionPackage.Cli.Tests.Installing;

/// <summary>
/// Package folder and file names are NuGet's (VersionFolderPathResolver): lower case, and the version normalized —
/// the same for the SDK that writes a package, verify, install and the function folder.
/// </summary>
public sealed class PackageNamesTests
{
    [Theory]
    [InlineData("Newtonsoft.Json", "13.0.3", "newtonsoft.json/13.0.3", "newtonsoft.json.13.0.3.nupkg")]
    [InlineData("Dep.A", "1.0", "dep.a/1.0.0", "dep.a.1.0.0.nupkg")]                       // normalized: three parts
    [InlineData("Dep.A", "1.0.0.0", "dep.a/1.0.0", "dep.a.1.0.0.nupkg")]                   // a zero fourth part dropped
    [InlineData("Dep.A", "1.0.0-Beta.1", "dep.a/1.0.0-beta.1", "dep.a.1.0.0-beta.1.nupkg")]
    [InlineData("Dep.A", "2.0.0+build.7", "dep.a/2.0.0", "dep.a.2.0.0.nupkg")]            // build metadata is not part of the name
    [InlineData("Dep.A", "01.002.0003", "dep.a/1.2.3", "dep.a.1.2.3.nupkg")]               // leading zeros dropped
    [InlineData("DEP.Ä", "1.0.0-RC", "dep.ä/1.0.0-rc", "dep.ä.1.0.0-rc.nupkg")]             // invariant lower case
    public void Names_are_lower_case_with_the_normalized_version(string id, string version, string folder, string nupkg)
    {
        Assert.Equal(folder, PackageNames.FolderPath(id, version));
        Assert.Equal(nupkg, PackageNames.NupkgFileName(id, version));
        Assert.Equal("packages/" + nupkg, PackageNames.EmbeddedPackagePath(id, version));
        // The rule is spelled out (NuGet.Packaging stays unloaded on a no-op): it must stay NuGet's own.
        var resolver = new NuGet.Packaging.VersionFolderPathResolver(rootPath: "", isLowercase: true);
        var parsed = NuGet.Versioning.NuGetVersion.Parse(version);
        Assert.Equal(resolver.GetPackageDirectory(id, parsed).Replace('\\', '/'), PackageNames.FolderPath(id, version));
        Assert.Equal(resolver.GetPackageFileName(id, parsed), PackageNames.NupkgFileName(id, version));
    }

    [Fact]
    public void A_version_NuGet_cannot_parse_keeps_its_text_lower_cased()
    {
        Assert.Equal("dep.a/not-a-version", PackageNames.FolderPath("Dep.A", "Not-A-Version"));
        Assert.Equal("dep.a.not-a-version.nupkg", PackageNames.NupkgFileName("Dep.A", "Not-A-Version"));
    }

    [Fact]
    public void The_function_folder_is_named_like_a_package_folder()
    {
        var layout = new InstallLayout("/srv/root");
        Assert.Equal(Path.Combine("/srv/root", "functions", "hello.function", "1.0.0"), layout.FunctionDirectory("Hello.Function", "1.0"));
    }
}
