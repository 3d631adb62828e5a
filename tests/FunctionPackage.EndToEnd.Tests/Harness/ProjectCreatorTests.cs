using System.Xml.Linq;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Harness;

/// <summary>What the fluent API writes, checked as XML (no dotnet process).</summary>
public sealed class ProjectCreatorTests : IDisposable
{
    private readonly TestRoot _root = new("harness");

    [Fact]
    public void SdkCsproj_writes_sdk_framework_and_output_type()
    {
        var project = XElement.Parse(ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj")).Xml);

        Assert.Equal("Microsoft.NET.Sdk", (string?)project.Attribute("Sdk"));
        Assert.Equal("net10.0", project.Descendants("TargetFramework").Single().Value);
        Assert.Equal("Library", project.Descendants("OutputType").Single().Value);
    }

    [Fact]
    public void Several_frameworks_become_TargetFrameworks()
    {
        var project = XElement.Parse(ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"), targetFramework: "net8.0;net10.0").Xml);

        Assert.Equal("net8.0;net10.0", project.Descendants("TargetFrameworks").Single().Value);
        Assert.Empty(project.Descendants("TargetFramework"));
    }

    [Fact]
    public void Property_with_null_value_is_a_no_op()
    {
        var creator = ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"));
        var before = creator.Xml;

        creator.Property("FunctionEntryPoint", null);

        Assert.Equal(before, creator.Xml);
        Assert.DoesNotContain("FunctionEntryPoint", creator.Xml);
    }

    [Fact]
    public void Properties_share_the_current_group_until_an_item_intervenes()
    {
        var project = XElement.Parse(ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"))
            .Property("A", "1")
            .ItemPackageReference("Newtonsoft.Json", "13.0.3")
            .Property("B", "2")
            .Xml);

        var groups = project.Elements().Select(e => e.Name.LocalName).ToArray();
        Assert.Equal(new[] { "PropertyGroup", "ItemGroup", "PropertyGroup" }, groups);
        Assert.Equal("1", project.Elements("PropertyGroup").First().Element("A")!.Value);
        Assert.Equal("2", project.Elements("PropertyGroup").Last().Element("B")!.Value);
    }

    [Fact]
    public void Items_carry_metadata_and_skip_null_metadata()
    {
        var project = XElement.Parse(ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"))
            .ItemPackageReference("FunctionPackage.Sdk", "1.2.3", privateAssets: "all")
            .ItemPackageReference("Humanizer.Core")
            .ItemInclude("None", "data/prices.json", new Dictionary<string, string?> { ["CopyToPublishDirectory"] = "PreserveNewest", ["Link"] = null })
            .Xml);

        var sdk = project.Descendants("PackageReference").First();
        Assert.Equal("FunctionPackage.Sdk", (string?)sdk.Attribute("Include"));
        Assert.Equal("1.2.3", (string?)sdk.Attribute("Version"));
        Assert.Equal("all", (string?)sdk.Attribute("PrivateAssets"));
        var central = project.Descendants("PackageReference").Last();
        Assert.Null(central.Attribute("Version"));
        var none = project.Descendants("None").Single();
        Assert.Equal("PreserveNewest", (string?)none.Attribute("CopyToPublishDirectory"));
        Assert.Null(none.Attribute("Link"));
    }

    [Fact]
    public void ProjectReference_is_relative_to_the_referencing_project()
    {
        var library = ProjectCreator.Templates.SdkCsproj(_root.Combine("Lib", "Lib.csproj"));
        var app = ProjectCreator.Templates.SdkCsproj(_root.Combine("App", "App.csproj")).ItemProjectReference(library);

        var reference = XElement.Parse(app.Xml).Descendants("ProjectReference").Single();
        Assert.Equal("../Lib/Lib.csproj", (string?)reference.Attribute("Include"));
    }

    [Fact]
    public void Sdk_elements_go_first_in_order()
    {
        var project = XElement.Parse(ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"))
            .Sdk("FunctionPackage.Sdk", "0.1.0")
            .Sdk("Other.Sdk")
            .Xml);

        var first = project.Elements().First();
        Assert.Equal("Sdk", first.Name.LocalName);
        Assert.Equal("FunctionPackage.Sdk", (string?)first.Attribute("Name"));
        Assert.Equal("0.1.0", (string?)first.Attribute("Version"));
        Assert.Equal("Other.Sdk", (string?)project.Elements().ElementAt(1).Attribute("Name"));
        Assert.Null(project.Elements().ElementAt(1).Attribute("Version"));
    }

    [Fact]
    public void Target_collects_tasks()
    {
        var project = XElement.Parse(ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"))
            .Target("PrintProps", afterTargets: "Build")
            .TaskMessage("Path=$(FunctionPackagePath)")
            .TaskError("boom", code: "X0001", condition: "'$(Fail)' == 'true'")
            .Xml);

        var target = project.Elements("Target").Single();
        Assert.Equal("PrintProps", (string?)target.Attribute("Name"));
        Assert.Equal("Build", (string?)target.Attribute("AfterTargets"));
        var message = target.Element("Message")!;
        Assert.Equal("Path=$(FunctionPackagePath)", (string?)message.Attribute("Text"));
        Assert.Equal("High", (string?)message.Attribute("Importance"));
        Assert.Equal("X0001", (string?)target.Element("Error")!.Attribute("Code"));
    }

    [Fact]
    public void Task_without_target_is_refused()
    {
        var creator = ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"));
        Assert.Throws<InvalidOperationException>(() => creator.TaskMessage("x"));
    }

    [Fact]
    public void Save_writes_project_and_added_files()
    {
        var creator = ProjectCreator.Templates.SdkCsproj(_root.Combine("A", "A.csproj"))
            .AddFile("Handler.cs", "namespace A; public static class Handler { }")
            .AddFile("data/prices.json", "{}")
            .Save();

        Assert.Equal(creator.Xml, File.ReadAllText(creator.FullPath));
        Assert.Equal("namespace A; public static class Handler { }", File.ReadAllText(_root.Combine("A", "Handler.cs")));
        Assert.True(File.Exists(_root.Combine("A", "data", "prices.json")));
        var bytes = File.ReadAllBytes(creator.FullPath);
        Assert.NotEqual(0xEF, bytes[0]); // no BOM
        Assert.Equal("A", creator.Name);
    }

    public void Dispose() => _root.Dispose();
}
