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
    /// <summary>The shape ValidateFunctionEntryPoint computed; written to function.json as <c>entryPoint.shape</c>.</summary>
    public string EntryPointShape { get; set; } = "";

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

    /// <summary><c>FunctionPackageRecordSources</c>: record the (remote, secret-free) restore sources in function.json.</summary>
    public bool RecordSources { get; set; }

    /// <summary><c>FunctionPackageEmbedLocalDependencies</c>: embed a reference-mode dependency restored from a local-only source (else FPKG2013).</summary>
    public bool EmbedLocalDependencies { get; set; } = true;

    /// <summary><c>FunctionPackageMaxSize</c>: budget of the unzipped runtime closure; empty for none.</summary>
    public string MaxSize { get; set; } = "";

    /// <summary><c>FunctionPackageMaxSizeIsError</c>: over budget fails the publish and leaves no package.</summary>
    public bool MaxSizeIsError { get; set; }

    [Required] public string OutputPath { get; set; } = "";

    [Output] public string PackagePath { get; set; } = "";
    [Output] public int DependencyCount { get; set; }
    /// <summary>How many dependencies are inside the package (all in embed mode; the local-only ones in reference mode).</summary>
    [Output] public int EmbeddedDependencyCount { get; set; }
    [Output] public long PackageSize { get; set; }
    /// <summary>The FPKG2050 warning text when over budget, else empty; the targets log it, also on up-to-date runs.</summary>
    [Output] public string SizeBudgetWarning { get; set; } = "";

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
            EntryPointShape = EntryPointShape,
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
            RecordSources = RecordSources,
            EmbedLocalDependencies = EmbedLocalDependencies,
            MaxSize = MaxSize,
            MaxSizeIsError = MaxSizeIsError,
            OutputPath = Path.GetFullPath(OutputPath),
        };

        try
        {
            var result = new FunctionPackageWriter().Write(request, _cancellation.Token);
            PackagePath = result.PackagePath;
            DependencyCount = result.Manifest.Dependencies.Count;
            EmbeddedDependencyCount = result.Manifest.Dependencies.Count(d => Model.FunctionPackageFormat.IsEmbedded(result.Manifest, d));
            foreach (var local in result.LocalDependencies)
            {
                LogCodedMessage(DiagnosticCodes.LocalDependencyEmbedded, MessageImportance.High,
                    $"{local.Id} {local.Version}", local.Source, global::FunctionPackage.Shared.PackageNames.EmbeddedPackagePath(local.Id, local.Version));
            }
            foreach (var source in result.StrippedSources)
            {
                LogCodedMessage(DiagnosticCodes.SourceSecretsStripped, MessageImportance.Normal, source);
            }
            PackageSize = result.PackageSize;
            SizeBudgetWarning = result.SizeBudgetWarning ?? "";
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

    /// <summary>An informational message with its FPKG code, on the project file, so it can be found like a diagnostic.</summary>
    private void LogCodedMessage(string code, MessageImportance importance, params object[] arguments)
        => Log.LogMessage(null, code, null, ProjectFile, 0, 0, 0, 0, importance, DiagnosticMessages.Format(code, arguments));
}
