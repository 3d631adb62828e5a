using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Targets;

/// <summary>
/// Tier 2: the props/targets from src/ driven by the real dotnet CLI, with the task assembly override.
/// </summary>
public sealed class FunctionPackageTargetsTests : IDisposable
{
    private static readonly Dictionary<string, string> Package = new() { ["FunctionPackage"] = "true" };
    private readonly TargetsTestRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_normal_build_reports_a_wrong_entry_point_on_the_project_file()
    {
        var project = _root.CreateFunction(entryPoint: "Fn.Handler::Hadnle").Save();

        project.TryBuild(restore: true, out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        var error = Assert.Single(output.Errors, e => e.Code == "FPKG1004");
        Assert.EndsWith("Fn.csproj", error.File);
        Assert.Contains("Handle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_design_time_build_never_fails_because_of_the_entry_point()
    {
        var project = _root.CreateFunction(entryPoint: "Fn.Missing::Nope").Save();
        project.TryRestore(out var restored, out var restoreOutput);
        Assert.True(restored, restoreOutput.GetConsoleLog());

        project.TryBuild(restore: false, target: "Build", new Dictionary<string, string> { ["DesignTimeBuild"] = "true" }, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        Assert.DoesNotContain(output.Errors, e => e.Code.StartsWith("FPKG", StringComparison.Ordinal));
    }

    [Fact]
    public void Changing_only_the_entry_point_property_revalidates()
    {
        var project = _root.CreateFunction().Save();
        project.TryBuild(restore: true, out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());

        project.Property("FunctionEntryPoint", "Fn.Handler::Other").Save();
        project.TryBuild(restore: false, out var second, out var secondOutput);

        Assert.False(second, secondOutput.GetConsoleLog());
        Assert.Contains("FPKG1004", secondOutput.ErrorCodes);
    }

    [Fact]
    public void Publish_without_FunctionPackage_writes_no_package()
    {
        var project = _root.CreateFunction().Save();

        project.TryPublish(null, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "bin", "Release", "functionpackage")), output.GetConsoleLog());
        Assert.DoesNotContain(output.Messages, m => m.Contains(".nupkg", StringComparison.Ordinal));
    }

    [Fact]
    public void Compute_target_splits_own_files_from_package_assets()
    {
        var project = _root.CreateFunction()
            .ItemPackageReference("Humanizer.Core", "2.14.1")
            .Target("PrintContents", afterTargets: "FunctionPackageComputeContents")
            .TaskMessage("OWN: @(FunctionPackageOwnFile->'%(RelativePath)', '|')")
            .TaskMessage("DEP: @(FunctionPackageDependencyAsset->'%(NuGetPackageId)=%(RelativePath)', '|')")
            .TaskMessage("PATH: $(FunctionPackagePath)")
            .Save();

        project.TryPublish(Package, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        var own = Line(output, "OWN: ").Split('|').Select(p => p.Replace('\\', '/')).OrderBy(p => p, StringComparer.Ordinal);
        Assert.Equal(new[] { "Fn.deps.json", "Fn.dll", "Fn.pdb", "Fn.runtimeconfig.json", "data/prices.json" }, own);
        Assert.Equal("Humanizer.Core=Humanizer.dll", Line(output, "DEP: "));
        var packagePath = Line(output, "PATH: ");
        Assert.Equal(Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg"), packagePath);
        Assert.True(File.Exists(packagePath), output.GetConsoleLog());
        Assert.Contains(output.Messages, m => m.Contains($"Fn -> {packagePath}", StringComparison.Ordinal));
    }

    [Fact]
    public void Second_publish_with_no_change_skips_packaging_and_keeps_the_file()
    {
        var project = _root.CreateFunction().Save();
        project.TryPublish(Package, out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var packagePath = Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg");
        var stamp = File.GetLastWriteTimeUtc(packagePath);

        project.TryPublish(Package, out var second, out var secondOutput);

        Assert.True(second, secondOutput.GetConsoleLog());
        Assert.Contains(secondOutput.Messages, m => m.Contains("Skipping target \"_FunctionPackageCreateCore\"", StringComparison.Ordinal));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(packagePath));

        project.AddFile("data/prices.json", "{\"apple\": 2}").Save();
        project.TryPublish(Package, out var third, out var thirdOutput);
        Assert.True(third, thirdOutput.GetConsoleLog());
        using var package = new FunctionPackageArchive(packagePath);
        Assert.Equal("{\"apple\": 2}", System.Text.Encoding.UTF8.GetString(package.ReadBytes("function/data/prices.json")));
    }

    [Fact]
    public void An_input_touched_without_change_repackages_once_keeps_the_file_and_then_skips()
    {
        var project = _root.CreateFunction().Save();
        project.TryPublish(Package, out var first, out var firstOutput);
        Assert.True(first, firstOutput.GetConsoleLog());
        var packagePath = Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg");
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(packagePath, stamp);
        // What a deterministic rebuild does: same bytes, new timestamp.
        File.SetLastWriteTimeUtc(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "data", "prices.json"), DateTime.UtcNow);

        project.TryPublish(Package, out var second, out var secondOutput);
        Assert.True(second, secondOutput.GetConsoleLog());
        Assert.DoesNotContain(secondOutput.Messages, m => m.Contains("Skipping target \"_FunctionPackageCreateCore\"", StringComparison.Ordinal));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(packagePath));

        project.TryPublish(Package, out var third, out var thirdOutput);
        Assert.True(third, thirdOutput.GetConsoleLog());
        Assert.Contains(thirdOutput.Messages, m => m.Contains("Skipping target \"_FunctionPackageCreateCore\"", StringComparison.Ordinal));

        File.Delete(packagePath);
        project.TryPublish(Package, out var fourth, out var fourthOutput);
        Assert.True(fourth, fourthOutput.GetConsoleLog());
        Assert.True(File.Exists(packagePath), "A deleted package must be written again.\n" + fourthOutput.GetConsoleLog());
    }

    [Theory]
    [InlineData("FunctionPackageDependencyMode", "Inline", "FPKG2005")]
    [InlineData("PublishTrimmed", "true", "FPKG2011")]
    public void Unsupported_publish_settings_are_coded_errors_and_write_nothing(string property, string value, string code)
    {
        var project = _root.CreateFunction().Save();

        project.TryPublish(new Dictionary<string, string>(Package) { [property] = value }, out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        Assert.Contains(code, output.ErrorCodes);
        Assert.False(File.Exists(Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg")));
    }

    [Fact]
    public void Self_contained_publish_is_FPKG2004()
    {
        var project = _root.CreateFunction().Save();

        project.TryPublish(Package, out var result, out var output, "-r", "linux-x64", "--self-contained", "true");

        Assert.False(result, output.GetConsoleLog());
        Assert.Contains("FPKG2004", output.ErrorCodes);
    }

    [Fact]
    public void Outer_multi_target_build_is_FPKG2003_and_one_framework_publishes()
    {
        var project = _root.CreateFunction(targetFramework: "net10.0").Property("TargetFramework", null).Save();
        // SdkCsproj wrote TargetFramework; switch to multi-targeting.
        project.Property("TargetFrameworks", "net10.0;net8.0").Property("TargetFramework", "").Save();

        project.TryPublish(Package, out var outer, out var outerOutput);
        Assert.False(outer, outerOutput.GetConsoleLog());
        var error = Assert.Single(outerOutput.Errors, e => e.Code == "FPKG2003");
        Assert.Contains("net10.0, net8.0", error.Message, StringComparison.Ordinal);

        project.TryPublish(Package, out var inner, out var innerOutput, "-f", "net8.0");
        Assert.True(inner, innerOutput.GetConsoleLog());
        using var package = new FunctionPackageArchive(Path.Combine(project.Directory, "bin", "Release", "functionpackage", "Fn.1.0.0.nupkg"));
        Assert.Equal("net8.0", package.ReadManifest().Runtime.Tfm);
    }

    private static string Line(BuildOutput output, string prefix)
    {
        var line = output.Messages.Select(m => m.Trim()).FirstOrDefault(m => m.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"No line starting with '{prefix}'.\n{output.GetConsoleLog()}");
        return line!.Substring(prefix.Length);
    }
}
