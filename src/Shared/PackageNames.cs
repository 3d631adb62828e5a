using NuGet.Packaging;
using NuGet.Versioning;

namespace FunctionPackage.Shared;

/// <summary>
/// NuGet's own names for a package in a global-packages folder — <see cref="VersionFolderPathResolver"/>: lower-case id,
/// lower-case <em>normalized</em> version — written with the package format's <c>/</c>. One source file compiled into
/// the SDK's task assembly and the install library (both ship NuGet.Packaging), so the writer and the readers cannot
/// disagree; FunctionPackage.Model stays free of NuGet.
/// The folder and file names of a package are the resolver's rule spelled out (<c>PackageNamesTests</c> compare them
/// with it): the resolver lives in NuGet.Packaging, which an installed function's no-op check and <c>fnpkg run</c>'s
/// start would otherwise load for these two names alone.
/// </summary>
internal static class PackageNames
{
    /// <summary><c>newtonsoft.json/13.0.3</c>: a package's folder under a packages folder, and <c>dependencies[].path</c>.</summary>
    public static string FolderPath(string id, string version) => $"{id.ToLowerInvariant()}/{LowerNormalized(version)}";

    /// <summary><c>newtonsoft.json.13.0.3.nupkg</c>.</summary>
    public static string NupkgFileName(string id, string version) => $"{id.ToLowerInvariant()}.{LowerNormalized(version)}.nupkg";

    /// <summary><c>newtonsoft.json.13.0.3.nupkg.sha512</c>.</summary>
    public static string HashFileName(string id, NuGetVersion version) => Names.Resolver.GetHashFileName(id, version);

    /// <summary><c>newtonsoft.json.nuspec</c>.</summary>
    public static string NuspecFileName(string id, NuGetVersion version) => Names.Resolver.GetManifestFileName(id, version);

    /// <summary><c>packages/newtonsoft.json.13.0.3.nupkg</c>: an embedded dependency inside a function package.</summary>
    public static string EmbeddedPackagePath(string id, string version) => Model.FunctionPackageFormat.PackagesFolder + NupkgFileName(id, version);

    /// <summary>
    /// A version NuGet cannot parse keeps its text, lower-cased: verification refuses it (FPKG5019), and its messages
    /// still name the path it would have had.
    /// </summary>
    private static string LowerNormalized(string version)
        => (NuGetVersion.TryParse(version, out var parsed) ? parsed.ToNormalizedString() : version).ToLowerInvariant();

    /// <summary>Its own class, so NuGet.Packaging is loaded only when these names are asked for.</summary>
    private static class Names
    {
        public static readonly VersionFolderPathResolver Resolver = new(rootPath: "", isLowercase: true);
    }
}
