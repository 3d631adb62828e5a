using System.Text.Json;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Inspection;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

public sealed class InspectTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Json_output_reports_entry_point_runtime_dependencies_and_sizes()
    {
        var feed = _temp.Folder("feed");
        var builder = new FunctionPackageBuilder { DependencyMode = FunctionPackageFormat.EmbedMode };
        var depA = DependencyPackageBuilder.Build(feed, "Dep.A", "1.0.0");
        builder.Dependencies.Add(depA);
        var package = builder.Build(_temp.Folder("out"));

        var output = new StringWriter();
        Assert.Equal(ExitCodes.Success, await CliApplication.RunAsync(new[] { "inspect", package, "--json" }, output));

        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal("Hello.Function", root.GetProperty("id").GetString());
        Assert.Equal("Hello.Function.Greeter::Handle", root.GetProperty("entryPoint").GetString());
        Assert.Equal("embed", root.GetProperty("dependencyMode").GetString());
        Assert.Equal("net10.0", root.GetProperty("runtime").GetProperty("tfm").GetString());
        Assert.Equal(new FileInfo(package).Length, root.GetProperty("packageSize").GetInt64());
        var functionSize = builder.FunctionFiles.Values.Sum(b => (long)b.Length);
        Assert.Equal(functionSize, root.GetProperty("functionSize").GetInt64());
        var dependency = Assert.Single(root.GetProperty("dependencies").EnumerateArray());
        Assert.Equal("Dep.A", dependency.GetProperty("id").GetString());
        Assert.Equal(3, dependency.GetProperty("assetCount").GetInt32());
        Assert.Equal(new FileInfo(depA.NupkgPath).Length, dependency.GetProperty("embeddedSize").GetInt64());
    }

    [Fact]
    public void Text_output_lists_the_flat_pinned_dependencies()
    {
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(_temp.Folder("feed"), "Dep.A", "1.0.0"));
        var text = PackageInspector.ToText(new PackageInspector().Inspect(builder.Build(_temp.Folder("out"))));
        Assert.Contains("Entry point:     Hello.Function.Greeter::Handle in Hello.Function.dll", text);
        Assert.Contains("Dependency mode: reference", text);
        Assert.Contains("  Dep.A 1.0.0 (3 asset(s))", text);
    }

    [Fact]
    public void Zip_slip_package_is_refused()
    {
        var package = new FunctionPackageBuilder().Build(_temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, "../evil", new byte[] { 1 }));
        Assert.Equal(DiagnosticCodes.UnsafeEntryPath, Assert.Throws<FunctionPackageException>(() => new PackageInspector().Inspect(package)).Code);
    }
}
