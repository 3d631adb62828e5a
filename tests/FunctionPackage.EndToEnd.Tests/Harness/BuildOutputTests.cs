using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Harness;

/// <summary>The harness must read codes out of MSBuild's canonical lines, or every diagnostic assertion is void.</summary>
public sealed class BuildOutputTests
{
    [Fact]
    public void Parses_error_with_location_code_and_project()
    {
        var output = Output("/tmp/r/Hello/Hello.csproj(12,5): error FPKG1004: Method 'Handle' was not found on 'Hello.Greeter'. [/tmp/r/Hello/Hello.csproj]");

        var error = Assert.Single(output.Errors);
        Assert.Equal("FPKG1004", error.Code);
        Assert.Equal("Method 'Handle' was not found on 'Hello.Greeter'.", error.Message);
        Assert.Equal("/tmp/r/Hello/Hello.csproj", error.File);
        Assert.Equal(12, error.Line);
        Assert.Equal(5, error.Column);
        Assert.Equal("/tmp/r/Hello/Hello.csproj", error.Project);
        Assert.Empty(output.Warnings);
    }

    [Fact]
    public void Parses_warning_separately_from_errors()
    {
        var output = Output("/tmp/r/Hello/Handler.cs(3,17): warning CS0168: The variable 'x' is declared but never used [/tmp/r/Hello/Hello.csproj]");

        Assert.Empty(output.Errors);
        var warning = Assert.Single(output.Warnings);
        Assert.Equal("CS0168", warning.Code);
        Assert.Equal("/tmp/r/Hello/Handler.cs", warning.File);
        Assert.Equal(3, warning.Line);
    }

    [Theory]
    [InlineData("MSBUILD : error MSB1009: Project file does not exist.", "MSB1009", "MSBUILD")]
    [InlineData("/tmp/r/A.csproj : error NU1101: Unable to find package Nope. No packages exist with this id in source(s): nuget.org [/tmp/r/A.csproj]", "NU1101", "/tmp/r/A.csproj")]
    [InlineData("CSC : error CS5001: Program does not contain a static 'Main' method suitable for an entry point [/tmp/r/A.csproj]", "CS5001", "CSC")]
    [InlineData("  1>/tmp/r/A.cs(1,1): error CS1002: ; expected [/tmp/r/A.csproj]", "CS1002", "/tmp/r/A.cs")]
    [InlineData("/usr/share/dotnet/sdk/10.0.401/Microsoft.Common.CurrentVersion.targets(2433,5): error FPKG2003: outer build [/tmp/r/A.csproj::TargetFramework=net10.0]", "FPKG2003", "/usr/share/dotnet/sdk/10.0.401/Microsoft.Common.CurrentVersion.targets")]
    public void Parses_origin_and_code_variants(string line, string code, string file)
    {
        var error = Assert.Single(Output(line).Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(file, error.File);
    }

    [Fact]
    public void Parses_error_without_origin()
    {
        var error = Assert.Single(Output("error NU1301: Unable to load the service index for source https://x.invalid/index.json.").Errors);
        Assert.Equal("NU1301", error.Code);
        Assert.Null(error.File);
        Assert.StartsWith("Unable to load the service index", error.Message);
    }

    [Fact]
    public void Parses_error_without_code()
    {
        var error = Assert.Single(Output("/tmp/r/A.csproj(9,3): error : Something custom went wrong. [/tmp/r/A.csproj]").Errors);
        Assert.Equal("", error.Code);
        Assert.Equal("Something custom went wrong.", error.Message);
    }

    [Theory]
    [InlineData("Build FAILED.")]
    [InlineData("    0 Error(s)")]
    [InlineData("    2 Warning(s)")]
    [InlineData("  Hello -> /tmp/warning/bin/Release/net10.0/Hello.dll")]
    [InlineData("  Restored /tmp/error-case/A.csproj (in 1.2 sec).")]
    [InlineData("  Treating errors as warnings is off")]
    public void Ignores_prose(string line)
    {
        var output = Output(line);
        Assert.Empty(output.Errors);
        Assert.Empty(output.Warnings);
    }

    [Fact]
    public void Console_log_holds_command_exit_code_and_every_line()
    {
        var output = new BuildOutput("dotnet publish x.csproj", 1, new[] { "first", "/tmp/a.csproj : error FPKG2001: no assets [/tmp/a.csproj]", "last" });

        var log = output.GetConsoleLog();
        Assert.Contains("dotnet publish x.csproj", log);
        Assert.Contains("exit code 1", log);
        Assert.Contains("first", log);
        Assert.Contains("error FPKG2001", log);
        Assert.Contains("last", log);
        Assert.False(output.Succeeded);
        Assert.Equal(new[] { "FPKG2001" }, output.ErrorCodes);
        Assert.Equal(3, output.Messages.Count);
    }

    [Fact]
    public void Timed_out_process_is_not_a_success_even_with_exit_code_zero()
    {
        Assert.False(new BuildOutput("dotnet build", 0, Array.Empty<string>(), timedOut: true).Succeeded);
        Assert.True(new BuildOutput("dotnet build", 0, Array.Empty<string>()).Succeeded);
    }

    private static BuildOutput Output(string line) => new("dotnet build", 1, new[] { line });
}

public sealed class BuildOutputSummaryTests
{
    [Fact]
    public void Diagnostic_repeated_in_the_closing_summary_is_recorded_once()
    {
        const string line = "/tmp/r/B.cs(1,63): error CS0103: The name 'x' does not exist in the current context [/tmp/r/B.csproj]";
        var output = new BuildOutput("dotnet build", 1, new[] { "     1>" + line, "Build FAILED.", "         " + line, "    1 Error(s)" });

        Assert.Single(output.Errors);
    }
}
