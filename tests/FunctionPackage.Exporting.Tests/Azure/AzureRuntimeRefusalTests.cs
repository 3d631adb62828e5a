using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Exporting.Tests.Lambda;
using FunctionPackage.Exporting.Targets.AzureFunctions;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionPackage.Exporting.Tests.Azure;

/// <summary>
/// The azure-functions target's self-contained handler judges the install against its own RID and .NET (not this
/// machine's): a package for another RID is FPKG7157, one needing a newer .NET FPKG7158; nothing is written. (The app
/// itself runs as exported in tests/FunctionPackage.EndToEnd.Tests Lifecycle/AzureFunctionsExportTests.)
/// </summary>
public sealed class AzureRuntimeRefusalTests : IDisposable
{
    private readonly TestRoot _root = new("azure-refusal");

    public void Dispose() => _root.Dispose();

    private async Task<FunctionPackageException> RefusedAsync(string package, string? rid = null)
    {
        var output = _root.Combine("out", "app");
        var temp = Directory.CreateDirectory(_root.Combine("tmp")).FullName;
        var request = new AzureFunctionsExportRequest
        {
            Install = new InstallRequest { Package = package, Root = "unused", WorkingDirectory = _root.Path },
            HostDirectory = LambdaTestPaths.HostDirectory,
            Output = output,
            RuntimeIdentifier = rid,
            RuntimePackCache = LambdaTestPaths.RuntimePackCache,
            TempFolder = temp,
        };
        var error = await Assert.ThrowsAsync<FunctionPackageException>(() => new AzureFunctionsExporter(NullLogger.Instance).ExportAsync(request));
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(output)!).Any(), error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
        return error;
    }

    [Fact]
    public async Task A_package_for_another_rid_than_the_handlers_is_FPKG7157()
    {
        var arm = new FunctionPackageBuilder { Id = "Arm.Only", Rid = "linux-arm64" }.Build(_root.Combine("arm-feed"));
        var error = await RefusedAsync(arm);
        Assert.Equal(ExportErrors.AzurePlatform, error.Code);
        Assert.Contains("linux-x64", error.Message);
    }

    [Fact]
    public async Task A_function_needing_a_newer_dotnet_than_the_handlers_is_FPKG7158()
    {
        var newer = new FunctionPackageBuilder { Id = "Needs.Eleven" };
        newer.Frameworks[0].Version = "11.0.0";
        var error = await RefusedAsync(newer.Build(_root.Combine("newer-feed")));
        Assert.Equal(ExportErrors.AzureFramework, error.Code);
        Assert.Contains("--runtime-version", error.Message);
    }
}
