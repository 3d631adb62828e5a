using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Exporting.Targets.AzureFunctions;

/// <summary>The triggers <c>--trigger</c> takes, each one function.json binding set (docs/export.md).</summary>
public static class AzureTriggers
{
    public const string Http = "http";
    public const string Queue = "queue";
    public const string EventGrid = "eventgrid";

    public static IReadOnlyList<string> All { get; } = new[] { Http, Queue, EventGrid };
}

public sealed record AzureFunctionsExportRequest
{
    /// <summary>A .nupkg path or <c>id@version</c>, installed exactly as <c>fnpkg install</c> does (into a temp root).</summary>
    public required InstallRequest Install { get; init; }
    /// <summary>The folder holding the function host (FunctionPackage.Host.dll and its files): the app's <c>fnpkg/host/</c>.</summary>
    public required string HostDirectory { get; init; }
    /// <summary>The app folder to create, or a zip file when it ends with <c>.zip</c>.</summary>
    public required string Output { get; init; }
    public string Trigger { get; init; } = AzureTriggers.Http;
    /// <summary>The Azure function's name (its folder and path); default: the last dot-separated part of the package id.</summary>
    public string? FunctionName { get; init; }
    /// <summary>http: the trigger's methods (default post).</summary>
    public IReadOnlyList<string> HttpMethods { get; init; } = Array.Empty<string>();
    /// <summary>http: anonymous, function (default) or admin.</summary>
    public string? AuthLevel { get; init; }
    /// <summary>http: <c>enableForwardingHttpRequest</c> — the original request reaches the host as is.</summary>
    public bool ForwardHttpRequest { get; init; }
    /// <summary>queue: the storage queue (required for the queue trigger).</summary>
    public string? QueueName { get; init; }
    /// <summary>queue: the app setting holding the storage connection (default AzureWebJobsStorage).</summary>
    public string? QueueConnection { get; init; }
    /// <summary>The platform has .NET: <c>dotnet exec</c> the host instead of a self-contained executable.</summary>
    public bool FrameworkDependent { get; init; }
    /// <summary>Self-contained: <c>-r</c>, linux-x64 (default) or linux-arm64.</summary>
    public string? RuntimeIdentifier { get; init; }
    /// <summary>Self-contained: the runtime packs' version (pinned in RuntimePacks.json); default the newest pinned of the host's major.</summary>
    public string? RuntimeVersion { get; init; }
    /// <summary>Where runtime packs are cached (self-contained).</summary>
    public string RuntimePackCache { get; init; } = RuntimePacks.DefaultCacheFolder;
    public RuntimeConfiguration Runtime { get; init; } = new();
    /// <summary>Scratch space (the temp install root); deleted afterwards.</summary>
    public string TempFolder { get; init; } = Path.GetTempPath();
}

/// <summary>What an export made: the app folder or zip, the function's name and trigger, its bytes, the deploy line, and what the handler is.</summary>
public sealed record AzureFunctionsExportResult(string OutputPath, bool IsZip, string FunctionName, string Trigger, long Bytes, string PublishCommand, string Handler);
