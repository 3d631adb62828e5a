using System.Reflection;
using FunctionPackage.Testing;

namespace FunctionPackage.Sdk.Tests.Targets;

/// <summary>
/// A temp root outside the repo whose Directory.Build.props/targets import the SDK's props/targets straight from
/// src/ (as Sdk/Sdk.props|targets do) with FunctionPackageTaskAssembly pointing at the fresh task build.
/// Tests the targets without packing or restoring FunctionPackage.Sdk.
/// </summary>
public sealed class TargetsTestRoot : IDisposable
{
    private readonly TestRoot _root = new("targets");

    public TargetsTestRoot()
    {
        var sdkDirectory = System.IO.Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Sdk");
        var configuration = typeof(TargetsTestRoot).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        TaskAssembly = System.IO.Path.Combine(sdkDirectory, "bin", configuration, "net8.0", "FunctionPackage.Sdk.dll");
        if (!File.Exists(TaskAssembly))
            throw new InvalidOperationException($"Task assembly '{TaskAssembly}' not found: build src/FunctionPackage.Sdk ({configuration}) first.");

        Repository = PackageRepository.Create(_root.Path, PackageRepository.NuGetOrg);
        _root.WriteFile("Directory.Build.props", $"""
            <Project>
              <PropertyGroup><FunctionPackageTaskAssembly>{TaskAssembly}</FunctionPackageTaskAssembly></PropertyGroup>
              <Import Project="{System.IO.Path.Combine(sdkDirectory, "Sdk", "Sdk.props")}" />
            </Project>
            """);
        _root.WriteFile("Directory.Build.targets", $"""
            <Project>
              <Import Project="{System.IO.Path.Combine(sdkDirectory, "Sdk", "Sdk.targets")}" />
            </Project>
            """);
    }

    public string TaskAssembly { get; }
    public PackageRepository Repository { get; }
    public string Path => _root.Path;

    /// <summary>A class library with one handler, <c>Fn.Handler::Handle</c>, and a data file published beside it.</summary>
    public ProjectCreator CreateFunction(string name = "Fn", string? entryPoint = "Fn.Handler::Handle", string targetFramework = "net10.0")
    {
        var project = ProjectCreator.Templates.SdkCsproj(System.IO.Path.Combine(_root.Path, name, name + ".csproj"), targetFramework: targetFramework)
            .Property("FunctionEntryPoint", entryPoint)
            .ItemInclude("None", "data/prices.json", new Dictionary<string, string?> { ["CopyToPublishDirectory"] = "PreserveNewest" })
            .AddFile("Handler.cs", """
                namespace Fn;
                public sealed record Order(string Item, int Quantity);
                public static class Handler
                {
                    public static int Handle(Order order) => order.Quantity;
                }
                """)
            .AddFile("data/prices.json", "{\"apple\": 1}");
        return project;
    }

    public void Dispose() => _root.Dispose();
}
