using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests;

/// <summary>
/// How the SDK behaves outside the happy publish: ordinary builds (the IDE), design-time builds, projects that
/// reference a function, multi-target projects and the MSBuild-SDK form.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BuildIntegrationTests
{
    private readonly EndToEndEnvironment _env;

    public BuildIntegrationTests(EndToEndEnvironment env) => _env = env;

    [Fact]
    public void A_plain_build_reports_a_missing_entry_point_method_as_FPKG1004()
    {
        var project = Hello(_env.NewFolder("fpkg1004"), entryPoint: "Hello.Greeter::Greet");

        project.TryBuild(restore: true, out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        Assert.Equal(new[] { "FPKG1004" }, output.ErrorCodes.Distinct());
        AssertNoPackageLine(output);
    }

    [Fact]
    public void A_plain_build_of_a_valid_function_succeeds_without_packaging()
    {
        var project = Hello(_env.NewFolder("plain-build"));

        project.TryBuild(restore: true, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        Assert.Empty(output.Errors);
        Assert.DoesNotContain(output.Warnings, w => w.Code.StartsWith("FPKG", StringComparison.Ordinal));
        AssertNoPackageLine(output);
    }

    [Fact]
    public void A_design_time_build_never_fails_because_of_the_function_package()
    {
        // A broken entry point and no compiled assembly: the IDE runs Compile with the compiler skipped. Without the
        // DesignTimeBuild guard the validation after CoreCompile would report FPKG1011 (no assembly) here.
        var project = Hello(_env.NewFolder("design-time"), entryPoint: "Not.A::Method");
        project.TryRestore(out var restored, out var restoreOutput);
        Assert.True(restored, restoreOutput.GetConsoleLog());

        project.TryBuild(restore: false, target: "Compile", new Dictionary<string, string>
        {
            ["DesignTimeBuild"] = "true",
            ["BuildingProject"] = "false",
            ["SkipCompilerExecution"] = "true",
            ["ProvideCommandLineArgs"] = "true",
            ["FunctionPackage"] = "true",
        }, out var result, out var output);

        Assert.False(File.Exists(Path.Combine(project.Directory, "obj", "Debug", "net10.0", "Hello.dll")), "The scenario needs the compiler skipped.");
        Assert.True(result, output.GetConsoleLog());
        Assert.DoesNotContain(output.Errors, e => e.Code.StartsWith("FPKG", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Warnings, w => w.Code.StartsWith("FPKG", StringComparison.Ordinal));
    }

    [Fact]
    public void A_project_referencing_the_function_builds_and_gets_no_function_package()
    {
        var folder = _env.NewFolder("consumer");
        var function = Hello(folder);
        function.Save();
        var tests = ProjectCreator.Templates.SdkCsproj(Path.Combine(folder, "Hello.Tests", "Hello.Tests.csproj"))
            .ItemProjectReference(function)
            .Target("PrintSdk", afterTargets: "Build")
            .TaskMessage("CONSUMER_TASK_ASSEMBLY=[$(FunctionPackageTaskAssembly)]")
            .AddFile("GreeterTests.cs", """
                namespace Hello.Tests;
                public static class GreeterTests
                {
                    public static bool Greets() => Hello.Greeter.Handle(new Hello.GreetRequest("Ada")).Message == "Hello, Ada!";
                }
                """);

        tests.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        // build/ (not buildTransitive/) and a development dependency: nothing of the SDK reaches the consumer.
        Assert.Contains(output.Messages, line => line.Trim() == "CONSUMER_TASK_ASSEMBLY=[]");
        AssertNoPackageLine(output);
        Assert.Empty(Directory.GetFiles(folder, "*.nupkg", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(tests.Directory, "bin", "Release", "net10.0", "publish", "Hello.dll")), output.GetConsoleLog());
    }

    [Fact]
    public void Multi_target_project_packages_the_framework_chosen_with_f()
    {
        var project = Hello(_env.NewFolder("multi-target-f"), targetFramework: "net8.0;net10.0");

        project.TryPublish(Publish(), out var result, out var output, "-f", "net10.0");

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        Assert.Equal("net10.0", package.ReadManifest().Runtime.Tfm);
    }

    [Fact]
    public void Multi_target_outer_build_asked_for_a_package_fails_with_FPKG2003()
    {
        var project = Hello(_env.NewFolder("multi-target-outer"), targetFramework: "net8.0;net10.0");

        project.TryPublish(Publish(), out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        // Ours alone, before the .NET SDK's own complaint about publishing a multi-target project.
        Assert.Equal(new[] { "FPKG2003" }, output.ErrorCodes);
        AssertNoPackageLine(output);
    }

    [Fact]
    public void The_MSBuild_SDK_form_packages_like_the_package_reference()
    {
        var project = ProjectCreator.Templates.SdkCsproj(Path.Combine(_env.NewFolder("msbuild-sdk"), "Hello", "Hello.csproj"))
            .Sdk("FunctionPackage.Sdk", _env.SdkVersion)
            .Property("Nullable", "enable")
            .Property("ImplicitUsings", "enable")
            .Property("FunctionEntryPoint", "Hello.Greeter::Handle")
            .AddFile("Greeter.cs", GreeterSource);

        project.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        var manifest = package.ReadManifest();
        Assert.Equal("Hello.Greeter", manifest.EntryPoint.Type);
        Assert.Equal("Handle", manifest.EntryPoint.Method);
        Assert.Empty(manifest.Dependencies); // the SDK itself is never a runtime dependency
        AssertFilesListMatchesEntries(package);
    }

    [Fact]
    public void The_SDK_package_is_never_a_dependency_of_the_function()
    {
        var project = Hello(_env.NewFolder("sdk-not-dependency"));

        project.TryPublish(Publish(), out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        using var package = new FunctionPackageArchive(PrintedPackagePath(output, "Hello"));
        Assert.DoesNotContain(package.ReadManifest().Dependencies, d => d.Id == "FunctionPackage.Sdk");
        Assert.DoesNotContain(package.ReadNuspec().Root!.Descendants(), e => e.Name.LocalName == "dependency");
        Assert.DoesNotContain(package.EntryNames, n => n.Contains("FunctionPackage.Sdk", StringComparison.OrdinalIgnoreCase));
    }
}
