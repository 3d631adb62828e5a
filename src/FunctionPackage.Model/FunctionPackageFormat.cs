namespace FunctionPackage.Model;

/// <summary>Names and constants of function package format v1.</summary>
public static class FunctionPackageFormat
{
    public const int SchemaVersion = 1;
    public const string DotNetProfile = "dotnet";

    /// <summary>The NuGet package type of every function package.</summary>
    public const string PackageType = "FunctionPackage";

    public const string ManifestFileName = "function.json";
    /// <summary>Folder of the function's own files, laid out as in the publish folder.</summary>
    public const string FunctionFolder = "function/";
    /// <summary>Folder of the dependencies' original .nupkg files (embed mode only).</summary>
    public const string PackagesFolder = "packages/";

    public const string ReferenceMode = "reference";
    public const string EmbedMode = "embed";

    public const string RuntimeAsset = "runtime";
    public const string ResourceAsset = "resources";
    public const string NativeAsset = "native";

    /// <summary>Fixed timestamp stamped on every zip entry so equal inputs give equal bytes.</summary>
    public static readonly DateTimeOffset DeterministicTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>File name of an embedded dependency, as NuGet names it in a global packages folder.</summary>
    public static string EmbeddedPackagePath(string id, string version)
        => $"{PackagesFolder}{id.ToLowerInvariant()}.{version.ToLowerInvariant()}.nupkg";

    /// <summary>Folder of a package in a global-packages (probing) layout.</summary>
    public static string PackageFolderPath(string id, string version)
        => $"{id.ToLowerInvariant()}/{version.ToLowerInvariant()}";
}
