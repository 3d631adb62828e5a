using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Support;

/// <summary>
/// Shared by every end-to-end test class: one temp root outside the repository with one
/// <see cref="PackageRepository"/> (feeds: artifacts/feed, then nuget.org; its own packages folder), so the
/// packed SDK and the samples' packages are extracted once per run and never served stale from ~/.nuget.
/// Each test works in its own folder under the root.
/// </summary>
public sealed class EndToEndEnvironment : IDisposable
{
    private int _counter;

    public EndToEndEnvironment()
    {
        // Fails every test of the collection with the fix spelled out: a missing SDK package is never a skip.
        SdkPackagePath = RepoPaths.RequireSdkPackage();
        Root = new TestRoot("e2e");
        Repository = PackageRepository.Create(Root.Path, RepoPaths.ArtifactsFeed, PackageRepository.NuGetOrg);
    }

    public TestRoot Root { get; }

    public PackageRepository Repository { get; }

    public string SdkPackagePath { get; }

    public string SdkVersion => RepoPaths.SdkVersion;

    /// <summary>A fresh, empty folder under the root, named after the test for readable kept roots.</summary>
    public string NewFolder(string label)
    {
        var path = Root.Combine($"{Interlocked.Increment(ref _counter):D2}-{label}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Copies sample folders (without bin/obj) into a fresh folder, with the samples' Directory.Packages.props and
    /// Directory.Build.targets, and a Directory.Build.props equivalent to the samples' one minus its private
    /// RestorePackagesPath (here the root's packages folder applies). Returns the folder.
    /// </summary>
    public string CopySamples(string label, params string[] sampleNames)
    {
        var folder = NewFolder(label);
        foreach (var name in sampleNames)
        {
            CopyDirectory(Path.Combine(RepoPaths.Samples, name), Path.Combine(folder, name));
        }
        File.Copy(Path.Combine(RepoPaths.Samples, "Directory.Packages.props"), Path.Combine(folder, "Directory.Packages.props"));
        File.Copy(Path.Combine(RepoPaths.Samples, "Directory.Build.targets"), Path.Combine(folder, "Directory.Build.targets"));
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <FunctionPackageSdkVersion>{SdkVersion}</FunctionPackageSdkVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        return folder;
    }

    private static void CopyDirectory(string source, string destination)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"Sample folder {source} does not exist.");
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj") continue;
            CopyDirectory(directory, Path.Combine(destination, name));
        }
    }

    public void Dispose() => Root.Dispose();
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndEnvironment>
{
    public const string Name = "End to end (packed FunctionPackage.Sdk)";
}
