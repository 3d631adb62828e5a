using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Support;

/// <summary>Function projects the tests generate, and the checks they share.</summary>
public static class FunctionProjects
{
    /// <summary>Global properties of <c>dotnet publish -c Release -p:FunctionPackage=true</c>, plus any given.</summary>
    public static Dictionary<string, string> Publish(params (string Name, string Value)[] more)
    {
        var properties = new Dictionary<string, string> { ["Configuration"] = "Release", ["FunctionPackage"] = "true" };
        foreach (var (name, value) in more) properties[name] = value;
        return properties;
    }

    public const string GreeterSource = """
        namespace Hello;

        public sealed record GreetRequest(string Name);

        public sealed record Greeting(string Message);

        public static class Greeter
        {
            public static Greeting Handle(GreetRequest request) => new($"Hello, {request.Name}!");
        }
        """;

    /// <summary>A Hello function referencing the packed SDK as a PackageReference.</summary>
    public static ProjectCreator Hello(string folder, string name = "Hello", string entryPoint = "Hello.Greeter::Handle", string targetFramework = "net10.0")
        => ProjectCreator.Templates.SdkCsproj(Path.Combine(folder, name, name + ".csproj"), targetFramework: targetFramework)
            .Property("Nullable", "enable")
            .Property("ImplicitUsings", "enable")
            .Property("FunctionEntryPoint", entryPoint)
            .ItemPackageReference("FunctionPackage.Sdk", RepoPaths.SdkVersion)
            .AddFile("Greeter.cs", GreeterSource);

    /// <summary>
    /// The package path from the line the SDK prints (<c>Project -> path.nupkg</c>); asserts the line is there
    /// exactly once per project and the file exists.
    /// </summary>
    public static string PrintedPackagePath(BuildOutput output, string projectName)
    {
        var pattern = new Regex($@"^\s*(?:\d+>)?\s*{Regex.Escape(projectName)} -> (?<path>.+\.nupkg)\s*$");
        var paths = output.Messages.Select(line => pattern.Match(line)).Where(m => m.Success).Select(m => m.Groups["path"].Value).Distinct().ToList();
        Assert.True(paths.Count == 1, $"Expected one '{projectName} -> *.nupkg' line, found {paths.Count}.\n{output.GetConsoleLog()}");
        Assert.True(File.Exists(paths[0]), $"The printed package {paths[0]} does not exist.\n{output.GetConsoleLog()}");
        return paths[0];
    }

    public static void AssertNoPackageLine(BuildOutput output)
        => Assert.DoesNotContain(output.Messages, line => Regex.IsMatch(line, @"-> .+\.nupkg\s*$"));

    /// <summary><c>libraries["Id/Version"].sha512</c> from a project's obj/project.assets.json: what restore recorded.</summary>
    public static string RestoreRecordedSha512(string projectDirectory, string id, string version)
    {
        using var assets = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(projectDirectory, "obj", "project.assets.json")));
        foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (string.Equals(library.Name, $"{id}/{version}", StringComparison.OrdinalIgnoreCase))
            {
                return library.Value.GetProperty("sha512").GetString()!;
            }
        }
        throw new InvalidOperationException($"{id}/{version} is not in {projectDirectory}/obj/project.assets.json");
    }

    /// <summary>
    /// The format's promise: function/* plus every dependency asset copied to its destination reproduces the
    /// publish folder exactly (same relative paths, same bytes).
    /// </summary>
    public static void AssertReproducesPublishFolder(FunctionPackageArchive package, string publishDirectory, string packagesFolder)
    {
        var manifest = package.ReadManifest();
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(publishDirectory, "*", SearchOption.AllDirectories))
        {
            expected[Path.GetRelativePath(publishDirectory, file).Replace('\\', '/')] = ContentHash.Sha512File(file);
        }

        var actual = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in package.EntryNames.Where(n => n.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)))
        {
            actual[entry.Substring(FunctionPackageFormat.FunctionFolder.Length)] = ContentHash.Sha512(package.ReadBytes(entry));
        }
        foreach (var dependency in manifest.Dependencies)
        {
            foreach (var asset in dependency.Assets)
            {
                var source = Path.Combine(packagesFolder, dependency.Path, asset.PathInPackage);
                Assert.True(File.Exists(source), $"{dependency.Id} {dependency.Version}: {asset.PathInPackage} is not in the restored package at {source}");
                Assert.False(actual.ContainsKey(asset.Destination), $"Destination {asset.Destination} is claimed twice.");
                actual[asset.Destination] = ContentHash.Sha512File(source);
            }
        }

        var missing = expected.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Keys).ToList();
        var different = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && different.Count == 0,
            $"Package does not reproduce {publishDirectory}.\nmissing: {string.Join(", ", missing)}\nextra: {string.Join(", ", extra)}\ndifferent bytes: {string.Join(", ", different)}");
    }

    /// <summary>Every file under function/ and packages/ is listed in files[] with the SHA-512 of its bytes, and nothing else is.</summary>
    public static void AssertFilesListMatchesEntries(FunctionPackageArchive package)
    {
        var manifest = package.ReadManifest();
        var entries = package.EntryNames
            .Where(n => n.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal) || n.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal)
                || n == FunctionPackageFormat.SbomPath)
            .ToList();
        Assert.Equal(entries, manifest.Files.Select(f => f.Path).ToList());
        foreach (var file in manifest.Files)
        {
            Assert.True(ContentHash.Sha512(package.ReadBytes(file.Path)) == file.Sha512, $"files[] hash of {file.Path} does not match its bytes.");
        }
    }
}
