using System.Text.Json;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Packaging;
using FunctionPackage.Sdk.Tests.Packaging;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Targets;

/// <summary>A real `dotnet publish` with a package dependency: its SBOM, and FunctionPackageMaxSize.</summary>
public sealed class SbomAndSizeBudgetTargetsTests : IDisposable
{
    private readonly TargetsTestRoot _root = new();

    public void Dispose() => _root.Dispose();

    private ProjectCreator Function() => _root.CreateFunction().ItemPackageReference("Humanizer.Core", "2.14.1").Save();

    private static string PackagePath(ProjectCreator project) => Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg");

    private static Dictionary<string, string> Properties(params (string Name, string Value)[] extra)
    {
        var properties = new Dictionary<string, string> { ["FunctionPackage"] = "true" };
        foreach (var (name, value) in extra) properties[name] = value;
        return properties;
    }

    [Fact]
    public void A_real_publish_has_an_sbom_valid_against_the_official_schema_pinning_what_the_manifest_pins()
    {
        var project = Function();

        project.TryPublish(Properties(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PackagePath(project));
        var manifest = package.ReadManifest();
        var sbom = package.ReadBytes(FunctionPackageFormat.SbomPath);
        Assert.Equal(ContentHash.Sha512(sbom), manifest.Files.Single(f => f.Path == FunctionPackageFormat.SbomPath).Sha512);
        SbomValidator.AssertValid(sbom, _root.Path);

        using var document = JsonDocument.Parse(sbom);
        var humanizer = manifest.Dependencies.Single(d => d.Id == "Humanizer.Core");
        var component = document.RootElement.GetProperty("components").EnumerateArray().Single();
        Assert.Equal("pkg:nuget/Humanizer.Core@2.14.1", component.GetProperty("purl").GetString());
        Assert.Equal(CycloneDxSbom.Hex(humanizer.Sha512), component.GetProperty("hashes")[0].GetProperty("content").GetString());
        var root = document.RootElement.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("ref").GetString() == "pkg:nuget/Fn@1.0.0");
        Assert.Equal(new[] { "pkg:nuget/Humanizer.Core@2.14.1" }, root.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void Over_budget_is_warning_FPKG2050_on_every_publish_naming_the_biggest_dependency()
    {
        var project = Function();

        project.TryPublish(Properties(("FunctionPackageMaxSize", "10KB")), out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var warning = Assert.Single(firstOutput.Warnings, w => w.Code == "FPKG2050");
        Assert.EndsWith("Fn.csproj", warning.File);
        Assert.Contains("Biggest: Humanizer.Core 2.14.1 (", warning.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(PackagePath(project)), firstOutput.GetConsoleLog());

        // Up to date: packaging is skipped, the warning is not.
        project.TryPublish(Properties(("FunctionPackageMaxSize", "10KB")), out var second, out var secondOutput);
        Assert.True(second, secondOutput.GetConsoleLog());
        Assert.Contains(secondOutput.Messages, m => m.Contains("Skipping target \"_FunctionPackageCreateCore\"", StringComparison.Ordinal));
        Assert.Contains("FPKG2050", secondOutput.WarningCodes);

        project.TryPublish(Properties(("FunctionPackageMaxSize", "250MB")), out var third, out var thirdOutput);
        Assert.True(third, thirdOutput.GetConsoleLog());
        Assert.DoesNotContain("FPKG2050", thirdOutput.WarningCodes);
    }

    [Fact]
    public void Over_budget_as_an_error_fails_the_publish_with_FPKG2050_and_leaves_no_package()
    {
        var project = Function();
        project.TryPublish(Properties(), out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());

        project.TryPublish(Properties(("FunctionPackageMaxSize", "10KB"), ("FunctionPackageMaxSizeIsError", "true")), out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        Assert.Contains("FPKG2050", output.ErrorCodes);
        Assert.False(File.Exists(PackagePath(project)), output.GetConsoleLog());
    }

    [Fact]
    public void A_budget_that_is_not_a_size_is_FPKG2051()
    {
        var project = Function();

        project.TryPublish(Properties(("FunctionPackageMaxSize", "lots")), out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        Assert.Contains("FPKG2051", output.ErrorCodes);
    }
}
