using System.Text.Json.Serialization;

namespace FunctionPackage.Model;

/// <summary>
/// The <c>function.json</c> manifest at the root of a function package (format v1, see docs/package-format.md).
/// Property order here is the order written; collections are sorted by <see cref="FunctionManifestSerializer"/>.
/// </summary>
public sealed class FunctionManifest
{
    public int SchemaVersion { get; set; } = FunctionPackageFormat.SchemaVersion;
    public string Profile { get; set; } = FunctionPackageFormat.DotNetProfile;
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    public string? Description { get; set; }
    public EntryPointDefinition EntryPoint { get; set; } = new();
    public RuntimeDefinition Runtime { get; set; } = new();
    /// <summary><c>reference</c> or <c>embed</c>; see <see cref="FunctionPackageFormat.ReferenceMode"/>.</summary>
    public string DependencyMode { get; set; } = FunctionPackageFormat.ReferenceMode;
    public List<DependencyDefinition> Dependencies { get; set; } = new();
    public List<FileEntry> Files { get; set; } = new();
    /// <summary>Restore sources the package was built with: a hint for installers, never trusted over the hashes.</summary>
    public List<string> Sources { get; set; } = new();
}

/// <summary>The function's entry point: <c>Namespace.Type::Method</c> in <see cref="Assembly"/>.</summary>
public sealed class EntryPointDefinition
{
    /// <summary>Path of the entry assembly relative to <c>function/</c>, e.g. <c>Hello.dll</c>.</summary>
    public string Assembly { get; set; } = "";
    /// <summary>Full metadata name of the type (nested types joined with <c>+</c>).</summary>
    public string Type { get; set; } = "";
    public string Method { get; set; } = "";

    /// <summary>
    /// The call shape the SDK validated (<see cref="EntryPointShape"/>'s compact form, e.g.
    /// <c>static;input=poco;cancellation=true;result=taskOfT</c>); null in packages built before it was recorded.
    /// A host refuses a package whose assembly does not have this shape (FPKG1050).
    /// </summary>
    public string? Shape { get; set; }

    /// <summary>The <c>Namespace.Type::Method</c> form users write in <c>FunctionEntryPoint</c>.</summary>
    [JsonIgnore]
    public string Reference => $"{Type}::{Method}";
}

public sealed class RuntimeDefinition
{
    /// <summary>Short target framework moniker, e.g. <c>net10.0</c>.</summary>
    public string Tfm { get; set; } = "";
    public List<FrameworkDefinition> Frameworks { get; set; } = new();
    public string? RollForward { get; set; }
    /// <summary>Runtime identifier of a RID-specific publish; null for a portable package.</summary>
    public string? Rid { get; set; }
    public bool SelfContained { get; set; }
}

public sealed class FrameworkDefinition
{
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
}

/// <summary>One package of the resolved runtime closure, pinned by exact version and NuGet content hash.</summary>
public sealed class DependencyDefinition
{
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>Base64 SHA-512 content hash as recorded by restore (excludes the package signature).</summary>
    public string Sha512 { get; set; } = "";
    /// <summary>Folder in a global-packages layout: <c>lower-id/lower-version</c>.</summary>
    public string Path { get; set; } = "";
    /// <summary>
    /// <c>true</c> on a reference-mode dependency whose original .nupkg is embedded under <c>packages/</c> anyway
    /// (restored from a local-only source, so no feed serves its bytes); absent otherwise. Use
    /// <see cref="FunctionPackageFormat.IsEmbedded"/> to ask whether a dependency is in the package.
    /// </summary>
    public bool? Embedded { get; set; }
    public List<AssetDefinition> Assets { get; set; } = new();
}

public sealed class AssetDefinition
{
    public string PathInPackage { get; set; } = "";
    /// <summary><c>runtime</c>, <c>resources</c> or <c>native</c>.</summary>
    public string AssetType { get; set; } = "";
    public string? Rid { get; set; }
    public string? Culture { get; set; }
    /// <summary>Where <c>dotnet publish</c> put this asset, relative to the publish folder.</summary>
    public string Destination { get; set; } = "";
}

/// <summary>A file embedded in the package, relative to the package root with <c>/</c> separators.</summary>
public sealed class FileEntry
{
    public string Path { get; set; } = "";
    public string Sha512 { get; set; } = "";
}
