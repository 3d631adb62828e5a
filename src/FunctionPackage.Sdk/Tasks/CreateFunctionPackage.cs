using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.Packaging;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace FunctionPackage.Sdk.Tasks;

/// <summary>
/// Writes the function package. A thin layer: it normalises MSBuild items into a
/// <see cref="FunctionPackageRequest"/> and hands it to <see cref="FunctionPackageWriter"/>.
/// </summary>
public sealed class CreateFunctionPackage : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string PackageId { get; set; } = "";
    [Required] public string PackageVersion { get; set; } = "";
    public string Description { get; set; } = "";
    public string Authors { get; set; } = "";

    [Required] public string EntryAssembly { get; set; } = "";
    [Required] public string EntryPointType { get; set; } = "";
    [Required] public string EntryPointMethod { get; set; } = "";

    [Required] public string TargetFramework { get; set; } = "";
    public string RuntimeIdentifier { get; set; } = "";
    public bool SelfContained { get; set; }
    public string DependencyMode { get; set; } = "";

    [Required] public string PublishDirectory { get; set; } = "";
    [Required] public string DepsFilePath { get; set; } = "";
    [Required] public string AssetsFilePath { get; set; } = "";

    /// <summary>The function's own published files; metadata <c>RelativePath</c>.</summary>
    public ITaskItem[] OwnFiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Published package assets; metadata NuGetPackageId, NuGetPackageVersion, PathInPackage, AssetType, RuntimeIdentifier, Culture, RelativePath.</summary>
    public ITaskItem[] PackageAssets { get; set; } = Array.Empty<ITaskItem>();

    public string[] RestoreSources { get; set; } = Array.Empty<string>();

    [Required] public string OutputPath { get; set; } = "";

    [Output] public string PackagePath { get; set; } = "";
    [Output] public int DependencyCount { get; set; }
    [Output] public long PackageSize { get; set; }

    public void Cancel() => _cancellation.Cancel();

    public override bool Execute()
    {
        var request = new FunctionPackageRequest
        {
            PackageId = PackageId,
            PackageVersion = PackageVersion,
            Description = Description,
            Authors = Authors,
            EntryAssembly = EntryAssembly,
            EntryPointType = EntryPointType,
            EntryPointMethod = EntryPointMethod,
            TargetFramework = TargetFramework,
            RuntimeIdentifier = RuntimeIdentifier,
            SelfContained = SelfContained,
            DependencyMode = DependencyMode,
            PublishDirectory = Path.GetFullPath(PublishDirectory),
            DepsFilePath = Path.GetFullPath(DepsFilePath),
            AssetsFilePath = Path.GetFullPath(AssetsFilePath),
            OwnFiles = OwnFiles.Select(i => new OwnFile(i.GetMetadata("RelativePath"))).ToList(),
            PackageAssets = PackageAssets.Select(i => new PackageAsset(
                i.GetMetadata("NuGetPackageId"),
                i.GetMetadata("NuGetPackageVersion"),
                i.GetMetadata("PathInPackage"),
                i.GetMetadata("AssetType"),
                i.GetMetadata("RuntimeIdentifier"),
                i.GetMetadata("Culture"),
                i.GetMetadata("RelativePath"))).ToList(),
            RestoreSources = RestoreSources.ToList(),
            OutputPath = Path.GetFullPath(OutputPath),
        };

        try
        {
            var result = new FunctionPackageWriter().Write(request, _cancellation.Token);
            PackagePath = result.PackagePath;
            DependencyCount = result.Manifest.Dependencies.Count;
            PackageSize = result.PackageSize;
            if (!result.Rewritten)
                Log.LogMessage(MessageImportance.Low, "Function package '{0}' is unchanged; kept the existing file.", result.PackagePath);
        }
        catch (FunctionPackageException ex)
        {
            Log.LogError(null, ex.Code, null, ProjectFile, 0, 0, 0, 0, ex.Message);
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("Function packaging was cancelled; no package was written.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            Log.LogError(null, DiagnosticCodes.PackageWriteFailed, null, ProjectFile, 0, 0, 0, 0,
                DiagnosticMessages.Format(DiagnosticCodes.PackageWriteFailed, OutputPath, ex.Message));
        }
        return !Log.HasLoggedErrors;
    }
}
