using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Exporting.Targets.AwsLambda;

public sealed record LambdaExportRequest
{
    /// <summary>A .nupkg path or <c>id@version</c>, installed exactly as <c>fnpkg install</c> does (into a temp root).</summary>
    public required InstallRequest Install { get; init; }
    /// <summary>The folder holding the function host (FunctionPackage.Host.dll and its files).</summary>
    public required string HostDirectory { get; init; }
    /// <summary>The zip to write (<c>-o</c>).</summary>
    public string? Output { get; init; }
    /// <summary>A <c>provided.al2023</c> zip with a self-contained <c>bootstrap</c> instead of a <c>dotnet10</c> one.</summary>
    public bool SelfContained { get; init; }
    /// <summary><c>-r</c>: linux-x64 (Lambda's x86_64, the default) or linux-arm64 (arm64).</summary>
    public string? RuntimeIdentifier { get; init; }
    /// <summary>Self-contained only: the .NET runtime packs' version (pinned in RuntimePacks.json); default the newest pinned of the host's major.</summary>
    public string? RuntimeVersion { get; init; }
    public RuntimeConfiguration Runtime { get; init; } = new();
    /// <summary>Where runtime packs are cached (self-contained).</summary>
    public string RuntimePackCache { get; init; } = RuntimePacks.DefaultCacheFolder;
    /// <summary>Lambda's deployment package limits (tests lower them).</summary>
    public LambdaLimits Limits { get; init; } = LambdaLimits.Lambda;
    /// <summary>Scratch space (the temp install root, the zip before it is moved into place); deleted afterwards.</summary>
    public string TempFolder { get; init; } = Path.GetTempPath();
}

/// <summary>
/// Lambda's quotas for a .zip deployment package: 250 MB unzipped (function and layers together; 262,144,000 bytes) and
/// 50 MB zipped for a direct upload (<c>--zip-file</c>; 52,428,800 bytes).
/// </summary>
public sealed record LambdaLimits(long MaxUnzippedBytes, long MaxZippedBytes)
{
    public static LambdaLimits Lambda { get; } = new(262_144_000, 52_428_800);
}

/// <summary>What an export wrote and how to deploy it.</summary>
public sealed record LambdaExportResult(
    string OutputPath,
    string FunctionName,
    string Runtime,
    string Handler,
    string Architecture,
    int TimeoutSeconds,
    long UnzippedBytes,
    long ZippedBytes,
    string? RuntimeVersion,
    string DeployCommand);
