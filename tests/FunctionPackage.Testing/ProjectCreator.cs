using System.Xml;
using System.Xml.Linq;

namespace FunctionPackage.Testing;

/// <summary>
/// A small in-repo equivalent of MSBuild.ProjectCreation's <c>ProjectCreator</c>: builds a project file fluently,
/// saves it with its source files, and drives the real <c>dotnet</c> CLI out of process (never in-proc MSBuild,
/// so what the tests see is exactly what a user's <c>dotnet publish</c> does).
/// </summary>
public sealed class ProjectCreator
{
    private readonly XElement _project;
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private XElement? _lastTarget;
    // A project loaded from disk is rewritten only once the test changes it, so its formatting and comments stay.
    private bool _modified;

    internal ProjectCreator(string fullPath, XElement project, bool modified = true)
    {
        FullPath = Path.GetFullPath(fullPath);
        _project = project;
        _modified = modified;
    }

    /// <summary>Opens an existing project file (e.g. a copied sample) to build, publish or change it.</summary>
    public static ProjectCreator Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        return new ProjectCreator(fullPath, XElement.Load(fullPath), modified: false);
    }

    /// <summary>Factory methods for common project shapes.</summary>
    public static ProjectCreatorTemplates Templates { get; } = new();

    /// <summary>Absolute path of the project file.</summary>
    public string FullPath { get; }

    /// <summary>Folder of the project file (the working directory of every <c>dotnet</c> call).</summary>
    public string Directory => Path.GetDirectoryName(FullPath)!;

    /// <summary>File name without extension, which is also MSBuild's <c>$(MSBuildProjectName)</c>.</summary>
    public string Name => Path.GetFileNameWithoutExtension(FullPath);

    /// <summary>Timeout of each <c>dotnet</c> process started for this project.</summary>
    public TimeSpan Timeout { get; set; } = DotNetCli.DefaultTimeout;

    /// <summary>The project XML as it will be written by <see cref="Save"/>.</summary>
    public string Xml => ToXml();

    /// <summary>Sets a property in the current property group; a null value is a no-op (as in MSBuild.ProjectCreation).</summary>
    public ProjectCreator Property(string name, string? value, string? condition = null)
    {
        if (value is null) return this;
        _modified = true;
        var element = new XElement(name, value);
        SetCondition(element, condition);
        CurrentGroup("PropertyGroup").Add(element);
        return this;
    }

    /// <summary>Adds <c>&lt;Sdk Name="..." Version="..." /&gt;</c>: an MSBuild project SDK imported on top of the project's own SDK.</summary>
    public ProjectCreator Sdk(string name, string? version = null)
    {
        _modified = true;
        var element = new XElement("Sdk", new XAttribute("Name", name));
        if (version is not null) element.Add(new XAttribute("Version", version));
        // Sdk elements must come before the groups that use what they define; keep them at the top in order.
        var lastSdk = _project.Elements("Sdk").LastOrDefault();
        if (lastSdk is not null) lastSdk.AddAfterSelf(element);
        else _project.AddFirst(element);
        return this;
    }

    /// <summary>Adds an <c>&lt;Import Project="..." /&gt;</c> at the current position.</summary>
    public ProjectCreator Import(string project, string? condition = null)
    {
        _modified = true;
        var element = new XElement("Import", new XAttribute("Project", project));
        SetCondition(element, condition);
        _project.Add(element);
        return this;
    }

    /// <summary>Adds an item to the current item group. Metadata with a null value is skipped.</summary>
    public ProjectCreator ItemInclude(string itemType, string include, IDictionary<string, string?>? metadata = null, string? condition = null)
        => AddItem(itemType, "Include", include, metadata, condition);

    /// <summary>Adds an <c>Update</c> item to the current item group.</summary>
    public ProjectCreator ItemUpdate(string itemType, string update, IDictionary<string, string?>? metadata = null, string? condition = null)
        => AddItem(itemType, "Update", update, metadata, condition);

    /// <summary>Adds a <c>Remove</c> item to the current item group.</summary>
    public ProjectCreator ItemRemove(string itemType, string remove, string? condition = null)
        => AddItem(itemType, "Remove", remove, null, condition);

    /// <summary><c>&lt;PackageReference Include="id" Version="version" /&gt;</c>; a null version suits central package management.</summary>
    public ProjectCreator ItemPackageReference(string id, string? version = null, string? privateAssets = null, IDictionary<string, string?>? metadata = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Version"] = version, ["PrivateAssets"] = privateAssets };
        if (metadata is not null)
        {
            foreach (var pair in metadata) all[pair.Key] = pair.Value;
        }
        return ItemInclude("PackageReference", id, all);
    }

    /// <summary><c>&lt;PackageVersion Include="id" Version="version" /&gt;</c> for a Directory.Packages.props.</summary>
    public ProjectCreator ItemPackageVersion(string id, string version)
        => ItemInclude("PackageVersion", id, new Dictionary<string, string?> { ["Version"] = version });

    /// <summary>References another created project by a path relative to this one.</summary>
    public ProjectCreator ItemProjectReference(ProjectCreator project, IDictionary<string, string?>? metadata = null)
        => ItemProjectReference(project.FullPath, metadata);

    public ProjectCreator ItemProjectReference(string projectPath, IDictionary<string, string?>? metadata = null)
    {
        var relative = Path.GetRelativePath(Directory, Path.GetFullPath(projectPath, Directory)).Replace('\\', '/');
        return ItemInclude("ProjectReference", relative, metadata);
    }

    /// <summary>Adds a target; the following <c>Task*</c> calls add tasks to it.</summary>
    public ProjectCreator Target(string name, string? condition = null, string? afterTargets = null, string? beforeTargets = null,
        string? dependsOnTargets = null, string? inputs = null, string? outputs = null, string? returns = null)
    {
        _modified = true;
        var target = new XElement("Target", new XAttribute("Name", name));
        AddAttribute(target, "Condition", condition);
        AddAttribute(target, "AfterTargets", afterTargets);
        AddAttribute(target, "BeforeTargets", beforeTargets);
        AddAttribute(target, "DependsOnTargets", dependsOnTargets);
        AddAttribute(target, "Inputs", inputs);
        AddAttribute(target, "Outputs", outputs);
        AddAttribute(target, "Returns", returns);
        _project.Add(target);
        _lastTarget = target;
        return this;
    }

    /// <summary><c>&lt;Message Text="..." Importance="..." /&gt;</c> in the last target. High importance shows at <c>-v:n</c>.</summary>
    public ProjectCreator TaskMessage(string text, string importance = "High", string? condition = null)
        => Task("Message", condition, new Dictionary<string, string?> { ["Text"] = text, ["Importance"] = importance });

    /// <summary><c>&lt;Error Text="..." Code="..." /&gt;</c> in the last target.</summary>
    public ProjectCreator TaskError(string text, string? code = null, string? condition = null)
        => Task("Error", condition, new Dictionary<string, string?> { ["Text"] = text, ["Code"] = code });

    /// <summary>Any task in the last target; null parameters are skipped.</summary>
    public ProjectCreator Task(string name, string? condition = null, IDictionary<string, string?>? parameters = null)
    {
        var target = _lastTarget ?? throw new InvalidOperationException($"Call {nameof(Target)}(...) before adding a task.");
        _modified = true;
        var task = new XElement(name);
        SetCondition(task, condition);
        if (parameters is not null)
        {
            foreach (var pair in parameters) AddAttribute(task, pair.Key, pair.Value);
        }
        target.Add(task);
        return this;
    }

    /// <summary>Adds a file (e.g. <c>Handler.cs</c>) written beside the project by <see cref="Save"/>.</summary>
    public ProjectCreator AddFile(string relativePath, string content)
    {
        _files[relativePath.Replace('\\', '/')] = content;
        return this;
    }

    /// <summary>
    /// Writes the project file and every added file (UTF-8, no BOM), each only when its content changed, so that
    /// saving again before a second build does not touch timestamps and defeat incremental build checks.
    /// </summary>
    public ProjectCreator Save()
    {
        if (_modified || !File.Exists(FullPath)) WriteIfChanged(FullPath, ToXml());
        _modified = false;
        foreach (var (relative, content) in _files)
        {
            WriteIfChanged(Path.Combine(Directory, relative), content);
        }
        return this;
    }

    private static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content) return;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, Utf8NoBom);
    }

    /// <summary>Saves, then runs <c>dotnet restore</c>.</summary>
    public ProjectCreator TryRestore(out bool result, out BuildOutput output, IDictionary<string, string>? globalProperties = null)
    {
        Save();
        output = Run("restore", globalProperties, Array.Empty<string>());
        result = output.Succeeded;
        return this;
    }

    /// <summary>Saves, then runs <c>dotnet build</c> (or <c>dotnet msbuild -t:target</c> for a target other than Build).</summary>
    public ProjectCreator TryBuild(bool restore, string? target, IDictionary<string, string>? globalProperties, out bool result, out BuildOutput output, params string[] extraArgs)
    {
        Save();
        var args = new List<string>();
        string verb;
        if (string.IsNullOrEmpty(target) || target == "Build")
        {
            verb = "build";
            if (!restore) args.Add("--no-restore");
        }
        else
        {
            // `dotnet build -t:X` would still run Build's restore semantics; msbuild with -restore is the literal form.
            verb = "msbuild";
            if (restore) args.Add("-restore");
            args.Add($"-t:{target}");
        }
        args.AddRange(extraArgs);
        output = Run(verb, globalProperties, args);
        result = output.Succeeded;
        return this;
    }

    public ProjectCreator TryBuild(out bool result, out BuildOutput output)
        => TryBuild(restore: true, target: null, globalProperties: null, out result, out output);

    public ProjectCreator TryBuild(bool restore, out bool result, out BuildOutput output)
        => TryBuild(restore, target: null, globalProperties: null, out result, out output);

    /// <summary>Saves, then runs <c>dotnet publish</c> with extra CLI arguments such as <c>-f net10.0</c>, <c>--no-build</c>, <c>-o dir</c>.</summary>
    public ProjectCreator TryPublish(IDictionary<string, string>? globalProperties, out bool result, out BuildOutput output, params string[] extraArgs)
    {
        Save();
        output = Run("publish", globalProperties, extraArgs);
        result = output.Succeeded;
        return this;
    }

    /// <summary>Saves, then runs <c>dotnet pack</c>.</summary>
    public ProjectCreator TryPack(IDictionary<string, string>? globalProperties, out bool result, out BuildOutput output, params string[] extraArgs)
    {
        Save();
        output = Run("pack", globalProperties, extraArgs);
        result = output.Succeeded;
        return this;
    }

    private BuildOutput Run(string verb, IDictionary<string, string>? globalProperties, IEnumerable<string> extraArgs)
    {
        var args = new List<string> { verb, FullPath };
        args.AddRange(DotNetCli.MSBuildLoggingArguments);
        if (globalProperties is not null)
        {
            foreach (var (name, value) in globalProperties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                args.Add($"-p:{name}={EscapeProperty(value)}");
            }
        }
        args.AddRange(extraArgs);
        return DotNetCli.Run(args, Directory, Timeout);
    }

    // `;` separates properties on the command line; MSBuild's %3B escape keeps a list as one value.
    private static string EscapeProperty(string value) => value.Replace(";", "%3B");

    private ProjectCreator AddItem(string itemType, string operation, string value, IDictionary<string, string?>? metadata, string? condition)
    {
        _modified = true;
        var item = new XElement(itemType, new XAttribute(operation, value));
        SetCondition(item, condition);
        if (metadata is not null)
        {
            // Metadata as attributes, the short form users write; Version and PrivateAssets read naturally there.
            foreach (var pair in metadata) AddAttribute(item, pair.Key, pair.Value);
        }
        CurrentGroup("ItemGroup").Add(item);
        return this;
    }

    /// <summary>The last child of the project if it is a group of the wanted kind, else a new one (MSBuild.ProjectCreation's rule).</summary>
    private XElement CurrentGroup(string groupName)
    {
        if (_project.LastNode is XElement last && last.Name.LocalName == groupName && !last.HasAttributes)
        {
            return last;
        }
        var group = new XElement(groupName);
        _project.Add(group);
        return group;
    }

    private static void SetCondition(XElement element, string? condition) => AddAttribute(element, "Condition", condition);

    private static void AddAttribute(XElement element, string name, string? value)
    {
        if (value is not null) element.SetAttributeValue(name, value);
    }

    private string ToXml()
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", OmitXmlDeclaration = true, NewLineChars = "\n", Encoding = Utf8NoBom };
        using var writer = new StringWriter();
        using (var xml = XmlWriter.Create(writer, settings))
        {
            _project.WriteTo(xml);
        }
        return writer.ToString() + "\n";
    }

    internal static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
}
