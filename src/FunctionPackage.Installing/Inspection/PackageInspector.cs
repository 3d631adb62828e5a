using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Shared;

namespace FunctionPackage.Installing.Inspection;

/// <summary>What <c>fnpkg inspect</c> prints. The manifest's closure is flat, so dependencies are a pinned list, not a tree.</summary>
public sealed class InspectionReport
{
    public string Id { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Description { get; init; }
    public string EntryPoint { get; init; } = "";
    public string EntryAssembly { get; init; } = "";
    public RuntimeDefinition Runtime { get; init; } = new();
    public string DependencyMode { get; init; } = "";
    public long PackageSize { get; init; }
    /// <summary>Uncompressed size of everything under function/.</summary>
    public long FunctionSize { get; init; }
    public int FunctionFileCount { get; init; }
    public List<InspectedDependency> Dependencies { get; init; } = new();
    public List<string> Sources { get; init; } = new();
}

public sealed class InspectedDependency
{
    public string Id { get; init; } = "";
    public string Version { get; init; } = "";
    public int AssetCount { get; init; }
    /// <summary>Size of the embedded .nupkg (embed mode); null in reference mode.</summary>
    public long? EmbeddedSize { get; init; }
    public string Sha512 { get; init; } = "";
}

/// <summary>Reads a function package's manifest and sizes. Does not verify hashes: that is <c>fnpkg verify</c>.</summary>
public sealed class PackageInspector
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public InspectionReport Inspect(string packagePath)
    {
        using var archive = FunctionPackageArchive.Open(packagePath);
        foreach (var (code, message) in archive.LimitProblems.Concat(archive.PathProblems))
        {
            throw new FunctionPackageException(code, message);
        }
        var bytes = archive.ReadManifestBytes()
            ?? throw new FunctionPackageException(DiagnosticCodes.ManifestMissing, DiagnosticMessages.Format("FPKG5002_2", Path.GetFileName(packagePath)));
        // The same reading rules as verify (shape, schemaVersion, profile), so a null member is a coded error here too.
        var manifest = PackageVerifier.ReadManifest(bytes, Path.GetFileName(packagePath),
            (code, message) => throw new FunctionPackageException(code, message))!;
        var functionEntries = archive.Entries.Where(e => e.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)).ToList();
        var embed = manifest.DependencyMode == FunctionPackageFormat.EmbedMode;
        return new InspectionReport
        {
            Id = manifest.Id,
            Version = manifest.Version,
            Description = manifest.Description,
            EntryPoint = manifest.EntryPoint.Reference,
            EntryAssembly = manifest.EntryPoint.Assembly,
            Runtime = manifest.Runtime,
            DependencyMode = manifest.DependencyMode,
            PackageSize = archive.Size,
            FunctionSize = functionEntries.Sum(e => e.Length),
            FunctionFileCount = functionEntries.Count,
            Dependencies = manifest.Dependencies.Select(d => new InspectedDependency
            {
                Id = d.Id,
                Version = d.Version,
                AssetCount = d.Assets.Count,
                Sha512 = d.Sha512,
                EmbeddedSize = embed ? archive.Find(PackageNames.EmbeddedPackagePath(d.Id, d.Version))?.Length : null,
            }).ToList(),
            Sources = manifest.Sources,
        };
    }

    public static string ToJson(InspectionReport report) => JsonSerializer.Serialize(report, JsonOptions).Replace("\r\n", "\n") + "\n";

    public static string ToText(InspectionReport report)
    {
        var text = new StringBuilder();
        text.Append($"{report.Id} {report.Version}\n");
        if (!string.IsNullOrEmpty(report.Description)) text.Append($"  {report.Description}\n");
        text.Append($"Entry point:     {report.EntryPoint} in {report.EntryAssembly}\n");
        var frameworks = string.Join(", ", report.Runtime.Frameworks.Select(f => $"{f.Name} {f.Version}"));
        text.Append($"Runtime:         {report.Runtime.Tfm} ({frameworks}; rollForward {report.Runtime.RollForward ?? "default"}; rid {report.Runtime.Rid ?? "portable"}{(report.Runtime.SelfContained ? "; self-contained" : "")})\n");
        text.Append($"Dependency mode: {report.DependencyMode}\n");
        text.Append($"Package size:    {FormatSize(report.PackageSize)}\n");
        text.Append($"function/:       {report.FunctionFileCount} file(s), {FormatSize(report.FunctionSize)}\n");
        text.Append($"Dependencies ({report.Dependencies.Count}, flat and pinned):\n");
        foreach (var dependency in report.Dependencies)
        {
            var size = dependency.EmbeddedSize is { } s ? $", embedded {FormatSize(s)}" : "";
            text.Append($"  {dependency.Id} {dependency.Version} ({dependency.AssetCount} asset(s){size})\n");
        }
        if (report.Sources.Count > 0) text.Append($"Sources hint:    {string.Join(", ", report.Sources)}\n");
        return text.ToString();
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024.0):0.0} MiB",
    };
}
