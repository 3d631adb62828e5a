using System.Xml.Linq;

namespace FunctionPackage.Testing;

/// <summary>Project shapes the tests start from (<c>ProjectCreator.Templates.*</c>).</summary>
public sealed class ProjectCreatorTemplates
{
    /// <summary>
    /// An SDK-style C# project. <paramref name="targetFramework"/> may be a <c>;</c>-separated list, which becomes
    /// <c>TargetFrameworks</c> (a multi-target project with an outer build).
    /// </summary>
    public ProjectCreator SdkCsproj(string path, string sdk = "Microsoft.NET.Sdk", string targetFramework = "net10.0", string outputType = "Library")
    {
        var project = new XElement("Project", new XAttribute("Sdk", sdk));
        var creator = new ProjectCreator(path, project);
        var frameworkProperty = targetFramework.Contains(';') ? "TargetFrameworks" : "TargetFramework";
        creator.Property(frameworkProperty, targetFramework);
        creator.Property("OutputType", outputType);
        return creator;
    }

    /// <summary>A project file with no SDK, e.g. a Directory.Build.props or Directory.Packages.props.</summary>
    public ProjectCreator Empty(string path) => new(path, new XElement("Project"));
}
