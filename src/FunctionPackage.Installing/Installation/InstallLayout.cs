using FunctionPackage.Installing.Packages;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Installation;

/// <summary>
/// The folders of an install root, shared by every function installed there:
/// <c>packages/</c> (global-packages layout, the host's probing path), <c>functions/&lt;id&gt;/&lt;version&gt;/</c>
/// (function.json, install.json, function/…) and <c>.staging/</c> (in-progress installs; never loaded).
/// </summary>
public sealed class InstallLayout
{
    public const string PackagesFolderName = "packages";
    public const string FunctionsFolderName = "functions";
    public const string StagingFolderName = ".staging";
    public const string ReceiptFileName = "install.json";

    public InstallLayout(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }
    public string PackagesFolder => Path.Combine(Root, PackagesFolderName);
    public string FunctionsFolder => Path.Combine(Root, FunctionsFolderName);
    public string StagingFolder => Path.Combine(Root, StagingFolderName);

    /// <summary><c>functions/&lt;lower id&gt;/&lt;lower normalized version&gt;</c>; FPKG5020 if that would leave <c>functions/</c>.</summary>
    public string FunctionDirectory(string id, string version)
        => PackagePaths.CombineNames(FunctionsFolder, id.ToLowerInvariant(), NormalizeVersion(version));

    public static string NormalizeVersion(string version)
        => NuGetVersion.TryParse(version, out var parsed) ? parsed.ToNormalizedString().ToLowerInvariant() : version.ToLowerInvariant();
}
