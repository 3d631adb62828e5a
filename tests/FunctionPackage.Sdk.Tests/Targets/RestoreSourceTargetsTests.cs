using System.IO.Compression;
using System.Text;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Targets;

/// <summary>
/// The restore sources through real restores and publishes: the NuGet.config in effect never changes the package
/// unless FunctionPackageRecordSources asks for it, and then without secrets; a dependency restored from a local folder
/// feed is embedded in a reference-mode package (or FPKG2013 when FunctionPackageEmbedLocalDependencies=false).
/// </summary>
public sealed class RestoreSourceTargetsTests : IDisposable
{
    private const string SecretSource = "https://builder:token@127.0.0.1:9/v3/index.json?sig=SECRET";
    private readonly TargetsTestRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static Dictionary<string, string> Publish(params (string Name, string Value)[] more)
    {
        var properties = new Dictionary<string, string> { ["FunctionPackage"] = "true" };
        foreach (var (name, value) in more) properties[name] = value;
        return properties;
    }

    private static string PackagePath(ProjectCreator project) => Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg");

    [Fact]
    public void Two_machines_NuGet_config_sources_give_one_byte_stream_by_default()
    {
        var project = _root.CreateFunction().Save();
        project.TryPublish(Publish(), out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var firstBytes = File.ReadAllBytes(PackagePath(project));

        // The other machine: a private authenticated feed and a folder feed on top of nuget.org.
        PackageRepository.Create(_root.Path, SecretSource, Path.Combine(_root.Path, "folder-feed"), PackageRepository.NuGetOrg);
        project.TryPublish(Publish(), out var second, out var secondOutput);

        Assert.True(second, secondOutput.GetConsoleLog());
        Assert.Contains("127.0.0.1:9", File.ReadAllText(Path.Combine(project.Directory, "obj", "project.assets.json")), StringComparison.Ordinal);
        Assert.Equal(firstBytes, File.ReadAllBytes(PackagePath(project)));
        using var package = new FunctionPackageArchive(PackagePath(project));
        Assert.Empty(package.ReadManifest().Sources);
    }

    [Fact]
    public void FunctionPackageRecordSources_records_remote_feeds_without_user_info_or_query_string()
    {
        PackageRepository.Create(_root.Path, SecretSource, Path.Combine(_root.Path, "folder-feed"), PackageRepository.NuGetOrg);
        var project = _root.CreateFunction().Save();

        project.TryPublish(Publish(("FunctionPackageRecordSources", "true")), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PackagePath(project));
        Assert.Equal(new[] { "https://127.0.0.1:9/v3/index.json", PackageRepository.NuGetOrg }, package.ReadManifest().Sources);
        var manifest = Encoding.UTF8.GetString(package.ReadBytes(FunctionPackageFormat.ManifestFileName));
        Assert.DoesNotContain("builder", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", manifest, StringComparison.Ordinal);
        Assert.Contains(output.Messages, m => m.Contains("FPKG2015", StringComparison.Ordinal) && m.Contains("https://127.0.0.1:9/v3/index.json", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Messages, m => m.Contains("FPKG2015", StringComparison.Ordinal) && (m.Contains("builder:token", StringComparison.Ordinal) || m.Contains("SECRET", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_package_from_a_local_folder_feed_is_embedded_and_marked_in_reference_mode()
    {
        var feed = LocalFeedWith("Local.Lib", "1.0.0");
        var project = _root.CreateFunction().ItemPackageReference("Local.Lib", "1.0.0").Save();

        project.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PackagePath(project));
        var manifest = package.ReadManifest();
        Assert.Equal(FunctionPackageFormat.ReferenceMode, manifest.DependencyMode);
        var local = Assert.Single(manifest.Dependencies);
        Assert.True(local.Embedded);
        Assert.Equal(File.ReadAllBytes(Path.Combine(feed, "local.lib.1.0.0.nupkg")), package.ReadBytes("packages/local.lib.1.0.0.nupkg"));
        Assert.Contains(output.Messages, m => m.Contains("FPKG2014", StringComparison.Ordinal) && m.Contains("Local.Lib 1.0.0", StringComparison.Ordinal) && m.Contains(feed, StringComparison.Ordinal));
        Assert.Contains(output.Messages, m => m.Contains("1 dependency (reference mode, 1 embedded)", StringComparison.Ordinal));
    }

    [Fact]
    public void FunctionPackageEmbedLocalDependencies_false_makes_a_local_package_FPKG2013()
    {
        var feed = LocalFeedWith("Local.Lib", "1.0.0");
        var project = _root.CreateFunction().ItemPackageReference("Local.Lib", "1.0.0").Save();

        project.TryPublish(Publish(("FunctionPackageEmbedLocalDependencies", "false")), out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        var error = Assert.Single(output.Errors, e => e.Code == "FPKG2013");
        Assert.Contains("Local.Lib 1.0.0", error.Message, StringComparison.Ordinal);
        Assert.Contains(feed, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(PackagePath(project)), output.GetConsoleLog());
    }

    /// <summary>A folder feed (first in NuGet.config, before nuget.org) holding one package with one runtime assembly.</summary>
    private string LocalFeedWith(string id, string version)
    {
        var feed = Path.Combine(_root.Path, "local-feed");
        Directory.CreateDirectory(feed);
        // The least a folder feed needs: a nuspec and a file. The runtime assembly is any real one (the model's), so
        // the compiler can read it and the publish deps.json lists the package.
        using (var zip = ZipFile.Open(Path.Combine(feed, $"{id.ToLowerInvariant()}.{version}.nupkg"), ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry($"{id}.nuspec").Open()))
            {
                writer.Write($"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                      <metadata><id>{id}</id><version>{version}</version><authors>tests</authors><description>A local-only package.</description></metadata>
                    </package>
                    """);
            }
            using var assembly = zip.CreateEntry($"lib/net8.0/{id}.dll").Open();
            assembly.Write(File.ReadAllBytes(typeof(FunctionManifest).Assembly.Location));
        }
        PackageRepository.Create(_root.Path, feed, PackageRepository.NuGetOrg);
        return feed;
    }
}
