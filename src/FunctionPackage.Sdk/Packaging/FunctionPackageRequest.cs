namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// Everything the packager needs, normalised from MSBuild items and properties by the
/// CreateFunctionPackage task. All paths are absolute; relative paths use '/'.
/// </summary>
public sealed class FunctionPackageRequest
{
    public string PackageId { get; set; } = "";
    public string PackageVersion { get; set; } = "";
    public string Description { get; set; } = "";
    public string Authors { get; set; } = "";

    /// <summary>The entry assembly's path relative to the publish folder, e.g. <c>Hello.dll</c>.</summary>
    public string EntryAssembly { get; set; } = "";
    public string EntryPointType { get; set; } = "";
    public string EntryPointMethod { get; set; } = "";
    /// <summary>The validated call shape (compact form), recorded as <c>entryPoint.shape</c>; empty records none.</summary>
    public string EntryPointShape { get; set; } = "";

    public string TargetFramework { get; set; } = "";
    public string? RuntimeIdentifier { get; set; }
    public bool SelfContained { get; set; }

    /// <summary><c>Reference</c> or <c>Embed</c> (case-insensitive).</summary>
    public string DependencyMode { get; set; } = "Reference";

    public string PublishDirectory { get; set; } = "";
    /// <summary>The publish deps.json: the flat resolved runtime closure with content hashes.</summary>
    public string DepsFilePath { get; set; } = "";
    /// <summary>obj/project.assets.json: the restore-recorded hashes and package folders.</summary>
    public string AssetsFilePath { get; set; } = "";

    /// <summary>The function's own published files (no NuGet package behind them).</summary>
    public List<OwnFile> OwnFiles { get; set; } = new();
    /// <summary>Published files that came from packages, with their NuGet metadata.</summary>
    public List<PackageAsset> PackageAssets { get; set; } = new();

    public List<string> RestoreSources { get; set; } = new();

    /// <summary>
    /// Record the remote restore sources in the manifest (<c>FunctionPackageRecordSources</c>). Off by default: the
    /// sources come from the machine's NuGet.config, so recording them makes the bytes machine-dependent.
    /// </summary>
    public bool RecordSources { get; set; }

    /// <summary>
    /// Reference mode: embed a dependency restored from a local-only source instead of failing with FPKG2013
    /// (<c>FunctionPackageEmbedLocalDependencies</c>, default true).
    /// </summary>
    public bool EmbedLocalDependencies { get; set; } = true;

    /// <summary><c>FunctionPackageMaxSize</c>: budget of the unzipped runtime closure (bytes or KB/MB/GB); empty for none.</summary>
    public string? MaxSize { get; set; }

    /// <summary><c>FunctionPackageMaxSizeIsError</c>: over budget is an error (no package) instead of a warning.</summary>
    public bool MaxSizeIsError { get; set; }

    /// <summary>Where the finished .nupkg goes (written to a temp file first, then moved).</summary>
    public string OutputPath { get; set; } = "";
}

/// <summary>A published file of the function itself, relative to the publish folder.</summary>
public sealed record OwnFile(string RelativePath);

/// <summary>A published file that came from a package (ResolvedFileToPublish with NuGetPackageId).</summary>
public sealed record PackageAsset(
    string PackageId,
    string PackageVersion,
    string PathInPackage,
    string AssetType,
    string? RuntimeIdentifier,
    string? Culture,
    string Destination);
