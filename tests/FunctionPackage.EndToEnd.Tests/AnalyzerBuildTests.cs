using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests;

/// <summary>
/// The entry point analyzer shipped in the SDK package, as a user meets it in <c>dotnet build</c>: a mistyped
/// FunctionEntryPoint is reported by the compiler (CoreCompile) on the source line of the type it suggests, before
/// the task's metadata check would run; a correct project stays clean.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AnalyzerBuildTests
{
    private const string Suggestion = "Entry point type 'Hello.Greter' was not found in 'Hello.dll'. Did you mean 'Hello.Greeter'?";
    private readonly EndToEndEnvironment _env;

    public AnalyzerBuildTests(EndToEndEnvironment env) => _env = env;

    [Fact]
    public void A_mistyped_entry_point_is_FPKG1002_from_the_compiler_on_the_suggested_type()
    {
        var project = Hello(_env.NewFolder("analyzer-fpkg1002"), entryPoint: "Hello.Greter::Handle");

        project.TryBuild(restore: true, out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        AssertAnalyzerReportedTypo(output);
    }

    [Fact]
    public void The_MSBuild_SDK_form_gets_the_analyzer_too()
    {
        var project = ProjectCreator.Templates.SdkCsproj(Path.Combine(_env.NewFolder("analyzer-msbuild-sdk"), "Hello", "Hello.csproj"))
            .Sdk("FunctionPackage.Sdk", _env.SdkVersion)
            .Property("FunctionEntryPoint", "Hello.Greter::Handle")
            .AddFile("Greeter.cs", GreeterSource);

        project.TryBuild(restore: true, out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        AssertAnalyzerReportedTypo(output);
    }

    [Fact]
    public void With_validation_off_neither_the_analyzer_nor_the_task_reports()
    {
        var project = Hello(_env.NewFolder("analyzer-off"), entryPoint: "Hello.Greter::Handle")
            .Property("FunctionPackageValidateEntryPoint", "false");

        project.TryBuild(restore: true, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        Assert.Empty(output.Errors);
        Assert.DoesNotContain(output.Warnings, w => w.Code.StartsWith("FPKG", StringComparison.Ordinal) || w.Code.StartsWith("AD", StringComparison.Ordinal));
    }

    private static void AssertAnalyzerReportedTypo(BuildOutput output)
    {
        // One error, from the compiler: the task reports on the project file without a line, the analyzer on the source.
        var error = Assert.Single(output.Errors);
        Assert.Equal("FPKG1002", error.Code);
        Assert.EndsWith("Greeter.cs", error.File);
        Assert.Equal((7, 21), (error.Line, error.Column));
        Assert.StartsWith(Suggestion, error.Message);
        Assert.DoesNotContain(output.Warnings, w => w.Code.StartsWith("AD", StringComparison.Ordinal) || w.Code.StartsWith("CS8032", StringComparison.Ordinal));
    }
}
