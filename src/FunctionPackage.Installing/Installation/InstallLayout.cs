using FunctionPackage.Installing.Packages;
using FunctionPackage.Shared;

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

    /// <summary>
    /// <c>functions/&lt;lower id&gt;/&lt;lower normalized version&gt;</c>, named as NuGet names package folders;
    /// FPKG5020 if the id or version is not one folder name, or the result would leave <c>functions/</c>.
    /// </summary>
    public string FunctionDirectory(string id, string version)
    {
        var folder = PackageNames.FolderPath(id, version);
        var slash = folder.LastIndexOf('/');
        return PackagePaths.CombineNames(FunctionsFolder, folder[..slash], folder[(slash + 1)..]);
    }
}
