using System.Text.RegularExpressions;

namespace FunctionPackage.Model;

/// <summary>Names and constants of function package format v1.</summary>
public static partial class FunctionPackageFormat
{
    public const int SchemaVersion = 1;
    public const string DotNetProfile = "dotnet";

    /// <summary>The NuGet package type of every function package.</summary>
    public const string PackageType = "FunctionPackage";

    public const string ManifestFileName = "function.json";
    /// <summary>The CycloneDX 1.6 JSON SBOM of the function's runtime closure, listed in <c>files[]</c> like a payload file.</summary>
    public const string SbomPath = "sbom.cdx.json";
    /// <summary>Folder of the function's own files, laid out as in the publish folder.</summary>
    public const string FunctionFolder = "function/";
    /// <summary>Folder of the embedded dependencies' original .nupkg files (every dependency in embed mode; the marked ones in reference mode).</summary>
    public const string PackagesFolder = "packages/";

    public const string ReferenceMode = "reference";
    public const string EmbedMode = "embed";

    public const string RuntimeAsset = "runtime";
    public const string ResourceAsset = "resources";
    public const string NativeAsset = "native";

    /// <summary>Fixed timestamp stamped on every zip entry so equal inputs give equal bytes.</summary>
    public static readonly DateTimeOffset DeterministicTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Whether the package carries the dependency's original .nupkg under <c>packages/</c>: every dependency in embed
    /// mode, and in reference mode those marked <c>embedded</c>. The one place verifiers and installers ask.
    /// </summary>
    public static bool IsEmbedded(FunctionManifest manifest, DependencyDefinition dependency)
        => manifest.DependencyMode == EmbedMode || dependency.Embedded == true;

    /// <summary>
    /// Whether a restore source is a remote (http/https) feed an installer elsewhere can reach. Folder paths (local
    /// feeds, the .NET SDK's library packs, fallback folders, network shares) are machine-local.
    /// </summary>
    public static bool IsRemoteSource(string? source)
        => Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>The longest package id NuGet accepts.</summary>
    public const int MaxPackageIdLength = 100;

    /// <summary>
    /// NuGet's package id rule — NuGet.Packaging's <c>PackageIdValidator</c>: this pattern and options, at most 100
    /// characters — and no trailing newline, which the pattern's <c>$</c> lets through. Compiled at build time, so a check
    /// loads no NuGet.Packaging code and builds no regex at run time (the no-op install and packaging both ask it).
    /// </summary>
    public static bool IsValidPackageId(string? id)
        => !string.IsNullOrEmpty(id) && id.Length <= MaxPackageIdLength && !id.Contains('\n') && PackageIdPattern().IsMatch(id);

    [GeneratedRegex(@"^\w+([.-]\w+)*$", RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant)]
    private static partial Regex PackageIdPattern();
}
