using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Harness;

/// <summary>
/// The harness against the real CLI with a project that needs no package at all, so it runs offline and
/// without the packed SDK: properties reach the build, messages show, compiler errors come back with codes.
/// </summary>
[Collection(HarnessCollection.Name)]
public sealed class DotNetCliTests : IDisposable
{
    private readonly TestRoot _root = new("harness-cli");

    public DotNetCliTests() => PackageRepository.Create(_root.Path, PackageRepository.NuGetOrg);

    [Fact]
    public void Build_runs_a_target_that_prints_a_global_property()
    {
        ProjectCreator.Templates.SdkCsproj(_root.Combine("Plain", "Plain.csproj"))
            .Property("Marker", "default")
            .Target("PrintMarker", afterTargets: "Build")
            .TaskMessage("MARKER=$(Marker)")
            .AddFile("Greeter.cs", "namespace Plain; public static class Greeter { public static string Hi() => \"hi\"; }")
            .TryBuild(restore: true, target: null, new Dictionary<string, string> { ["Marker"] = "from-cli;second" }, out var result, out var output);

        Assert.True(result, output.GetConsoleLog());
        Assert.Contains(output.Messages, line => line.Trim() == "MARKER=from-cli;second");
        Assert.Empty(output.Errors);
    }

    [Fact]
    public void Compiler_error_comes_back_with_its_code()
    {
        ProjectCreator.Templates.SdkCsproj(_root.Combine("Broken", "Broken.csproj"))
            .AddFile("Broken.cs", "namespace Broken; public static class X { public static int Y() => undefinedName; }")
            .TryBuild(restore: true, out var result, out var output);

        Assert.False(result, output.GetConsoleLog());
        var error = Assert.Single(output.Errors, e => e.Code == "CS0103");
        Assert.EndsWith("Broken.cs", error.File);
    }

    public void Dispose() => _root.Dispose();
}

[CollectionDefinition(Name)]
public sealed class HarnessCollection
{
    public const string Name = "Harness (dotnet CLI)";
}
