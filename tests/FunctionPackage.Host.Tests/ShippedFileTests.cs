using System.Net;
using System.Text.Json;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// The function's installed <c>function/</c> folder is its <c>AppContext.BaseDirectory</c> and current directory, in
/// <c>serve</c> and <c>invoke</c>, already when its static initializers run.
/// </summary>
public sealed class ShippedFileTests : IClassFixture<ShippedFileHost>
{
    private const string Shipped = "shipped beside Greeter.dll";
    private readonly ShippedFileHost _fixture;

    public ShippedFileTests(ShippedFileHost fixture) => _fixture = fixture;

    [Fact]
    public async Task Serve_gives_the_function_its_folder_as_base_and_current_directory()
    {
        using var response = await _fixture.Client.SendAsync(Plain(""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{body}\n{_fixture.Host.Output}");
        AssertReadsShippedFile(JsonDocument.Parse(body).RootElement, _fixture.Layout.FunctionFiles);

        // The host's own endpoints still work from there.
        using var health = await _fixture.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Invoke_gives_the_function_its_folder_as_base_and_current_directory()
    {
        using var root = new TestRoot("host-shipped-invoke");
        var layout = InstalledLayout.Create(await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter"), root.Path,
            "Test.Shipped", "1.0.0", "Greeter", "TestFunctions.ShippedFile", "Read");
        var (exit, stdout, stderr) = await HostProcess.RunAsync(layout, "invoke", "--function", layout.FunctionDirectory);
        Assert.True(exit == ExitCodes.Success, stderr);
        AssertReadsShippedFile(JsonDocument.Parse(stdout).RootElement, layout.FunctionFiles);
    }

    private static void AssertReadsShippedFile(JsonElement report, string functionFiles)
    {
        Assert.Equal(Shipped, report.GetProperty("atTypeInitialization").GetString());
        Assert.Equal(Shipped, report.GetProperty("fromBaseDirectory").GetString());
        Assert.Equal(Shipped, report.GetProperty("fromCurrentDirectory").GetString());
        Assert.Equal(functionFiles + Path.DirectorySeparatorChar, report.GetProperty("baseDirectory").GetString());
        Assert.Equal(functionFiles, report.GetProperty("currentDirectory").GetString());
    }
}
