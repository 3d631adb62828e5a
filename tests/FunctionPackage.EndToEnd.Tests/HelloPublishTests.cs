using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests;

/// <summary>The smallest function through the real <c>dotnet publish -c Release -p:FunctionPackage=true</c>.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class HelloPublishTests
{
    private readonly EndToEndEnvironment _env;

    public HelloPublishTests(EndToEndEnvironment env) => _env = env;

    [Fact]
    public void Publish_writes_the_package_at_the_printed_path_with_manifest_and_files()
    {
        var project = Hello(_env.NewFolder("hello"))
            .Property("Description", "Greets people.")
            .TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        var path = PrintedPackagePath(output, "Hello");
        Assert.Equal(Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Hello.1.0.0.nupkg"), path);

        using var package = new FunctionPackageArchive(path);
        var manifest = package.ReadManifest();
        Assert.Equal(1, manifest.SchemaVersion);
        Assert.Equal("dotnet", manifest.Profile);
        Assert.Equal("Hello", manifest.Id);
        Assert.Equal("1.0.0", manifest.Version);
        Assert.Equal("Greets people.", manifest.Description);
        Assert.Equal("Hello.dll", manifest.EntryPoint.Assembly);
        Assert.Equal("Hello.Greeter", manifest.EntryPoint.Type);
        Assert.Equal("Handle", manifest.EntryPoint.Method);
        // The shape ValidateFunctionEntryPoint computed at build time, carried to publish through obj/.
        Assert.Equal("static;input=poco;cancellation=false;result=value", manifest.EntryPoint.Shape);
        Assert.Equal("net10.0", manifest.Runtime.Tfm);
        Assert.Contains(manifest.Runtime.Frameworks, f => f.Name == "Microsoft.NETCore.App");
        Assert.Null(manifest.Runtime.Rid);
        Assert.False(manifest.Runtime.SelfContained);
        Assert.Equal("reference", manifest.DependencyMode);
        Assert.Empty(manifest.Dependencies);

        foreach (var own in new[] { "function/Hello.dll", "function/Hello.deps.json", "function/Hello.runtimeconfig.json" })
        {
            Assert.True(package.Contains(own), $"{own} missing; entries:\n{string.Join("\n", package.EntryNames)}");
        }
        Assert.DoesNotContain(package.EntryNames, n => n.StartsWith("packages/", StringComparison.Ordinal));
        AssertFilesListMatchesEntries(package);
        AssertReproducesPublishFolder(package, Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish"), _env.Repository.PackagesFolder);

        var nuspec = package.ReadNuspec().Root!;
        var ns = nuspec.Name.Namespace;
        var packageTypes = nuspec.Descendants(ns + "packageType").Select(e => (string?)e.Attribute("name")).ToList();
        Assert.Equal(new[] { FunctionPackageFormat.PackageType }, packageTypes);

        // No machine paths: the manifest must not mention where it was built.
        var json = System.Text.Encoding.UTF8.GetString(package.ReadBytes("function.json"));
        Assert.DoesNotContain(_env.Root.Path, json);
    }

    [Fact]
    public void Publish_without_FunctionPackage_writes_no_package()
    {
        var project = Hello(_env.NewFolder("plain-publish"))
            .TryPublish(new Dictionary<string, string> { ["Configuration"] = "Release" }, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        AssertNoPackageLine(output);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "bin", "Release", "functionpackage")), output.GetConsoleLog());
    }

    [Fact]
    public void Identity_and_output_path_properties_shape_the_package_and_FunctionPackagePath()
    {
        var outputPath = Path.Combine(_env.NewFolder("custom-out"), "packages") + "/";
        var project = Hello(_env.NewFolder("identity"))
            .Target("PrintFunctionPackagePath", afterTargets: "FunctionPackageCreate")
            .TaskMessage("FunctionPackagePath=$(FunctionPackagePath)")
            .TryPublish(Publish(
                ("FunctionPackageId", "Contoso.Greeter"),
                ("FunctionPackageVersion", "2.3.4-beta.1"),
                ("FunctionPackageOutputPath", outputPath)), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        var expected = Path.Combine(outputPath, "Contoso.Greeter.2.3.4-beta.1.nupkg");
        Assert.Equal(expected, PrintedPackagePath(output, "Hello"));
        Assert.Contains(output.Messages, line => line.Trim() == $"FunctionPackagePath={expected}");
        using var package = new FunctionPackageArchive(expected);
        var manifest = package.ReadManifest();
        Assert.Equal("Contoso.Greeter", manifest.Id);
        Assert.Equal("2.3.4-beta.1", manifest.Version);
        Assert.Equal("Hello.dll", manifest.EntryPoint.Assembly);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "bin", "Release", "functionpackage")));
    }

    [Fact]
    public void Two_clean_publishes_give_identical_bytes()
    {
        var project = Hello(_env.NewFolder("determinism"));
        project.TryPublish(Publish(), out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var firstBytes = File.ReadAllBytes(PrintedPackagePath(firstOutput, "Hello"));

        Directory.Delete(Path.Combine(project.Directory, "bin"), recursive: true);
        Directory.Delete(Path.Combine(project.Directory, "obj"), recursive: true);
        project.TryPublish(Publish(), out var second, out var secondOutput);
        Assert.True(second, secondOutput.GetConsoleLog());
        var secondBytes = File.ReadAllBytes(PrintedPackagePath(secondOutput, "Hello"));

        Assert.True(firstBytes.AsSpan().SequenceEqual(secondBytes), "Two clean publishes of the same sources gave different package bytes.");
        using var package = new FunctionPackageArchive(PrintedPackagePath(secondOutput, "Hello"));
        Assert.All(package.Entries, e => Assert.Equal(FunctionPackageFormat.DeterministicTimestamp.Year, e.LastWriteTime.Year));
    }

    [Fact]
    public void Publish_again_without_change_keeps_the_package_and_a_source_change_repackages()
    {
        var project = Hello(_env.NewFolder("incremental"));
        project.TryPublish(Publish(), out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var path = PrintedPackagePath(firstOutput, "Hello");
        var firstWrite = File.GetLastWriteTimeUtc(path);
        var firstBytes = File.ReadAllBytes(path);

        project.TryPublish(Publish(), out var again, out var againOutput);
        Assert.True(again, againOutput.GetConsoleLog());
        Assert.Equal(path, PrintedPackagePath(againOutput, "Hello")); // still reported on an up-to-date run
        Assert.True(firstWrite == File.GetLastWriteTimeUtc(path), $"A no-change publish rewrote the package.\n{againOutput.GetConsoleLog()}");

        project.AddFile("Greeter.cs", GreeterSource.Replace("Hello, ", "Bonjour, "));
        project.TryPublish(Publish(), out var changed, out var changedOutput);
        Assert.True(changed, changedOutput.GetConsoleLog());
        Assert.False(firstBytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"A source change did not repackage.\n{changedOutput.GetConsoleLog()}");
    }

    [Fact]
    public void A_changed_package_property_alone_repackages()
    {
        var project = Hello(_env.NewFolder("property-change")).Property("Description", "First.");
        project.TryPublish(Publish(), out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var path = PrintedPackagePath(firstOutput, "Hello");

        // Same sources, same assembly bytes: only the description (an input of the package, not of the compiler) changes.
        project.TryPublish(Publish(("FunctionPackageDescription", "Second.")), out var second, out var secondOutput);

        Assert.True(second, secondOutput.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(secondOutput, "Hello"));
        Assert.Equal(path, package.Path);
        Assert.Equal("Second.", package.ReadManifest().Description);
    }

    [Fact]
    public void Publish_with_no_build_after_a_build_packages_the_built_output()
    {
        var project = Hello(_env.NewFolder("no-build"));
        project.TryBuild(restore: true, target: null, new Dictionary<string, string> { ["Configuration"] = "Release" }, out var built, out var buildOutput);
        Assert.True(built, buildOutput.GetConsoleLog());
        AssertNoPackageLine(buildOutput);

        project.TryPublish(Publish(), out var result, out var output, "--no-build");

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        Assert.Equal("Hello.Greeter", package.ReadManifest().EntryPoint.Type);
        Assert.True(package.Contains("function/Hello.dll"));
    }

    [Fact]
    public void Publish_to_a_custom_output_folder_packages_that_folder()
    {
        var publishDir = Path.Combine(_env.NewFolder("publish-o"), "out");
        var project = Hello(_env.NewFolder("custom-publish-dir"));

        project.TryPublish(Publish(), out var result, out var output, "-o", publishDir);

        Assert.True(result, output.GetConsoleLog());
        Assert.True(File.Exists(Path.Combine(publishDir, "Hello.dll")), output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        AssertFilesListMatchesEntries(package);
        AssertReproducesPublishFolder(package, publishDir, _env.Repository.PackagesFolder);
    }

    [Fact]
    public void Runtime_specific_publish_records_the_rid()
    {
        var project = Hello(_env.NewFolder("rid"));

        project.TryPublish(Publish(), out var result, out var output, "-r", "linux-x64", "--self-contained", "false");

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        var manifest = package.ReadManifest();
        Assert.Equal("linux-x64", manifest.Runtime.Rid);
        Assert.False(manifest.Runtime.SelfContained);
    }

    [Fact]
    public void Unknown_dependency_mode_is_refused_with_FPKG2005()
    {
        var project = Hello(_env.NewFolder("bad-mode"));

        project.TryPublish(Publish(("FunctionPackageDependencyMode", "Bundle")), out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        Assert.Contains("FPKG2005", output.ErrorCodes);
        AssertNoPackageLine(output);
    }
}
