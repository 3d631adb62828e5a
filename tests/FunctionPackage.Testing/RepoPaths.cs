using System.Xml.Linq;

namespace FunctionPackage.Testing;

/// <summary>Well-known paths of the repository the tests run from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<string> LazySdkVersion = new(ReadSdkVersion);

    /// <summary>The folder holding Sdk.sln, found by walking up from the test assembly.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The local folder feed <c>build/pack.sh</c> packs FunctionPackage.Sdk into.</summary>
    public static string ArtifactsFeed => Path.Combine(Root, "artifacts", "feed");

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary><c>FunctionPackageSdkVersion</c> from build/FunctionPackage.Version.props.</summary>
    public static string SdkVersion => LazySdkVersion.Value;

    public static string SdkPackageFileName => $"FunctionPackage.Sdk.{SdkVersion}.nupkg";

    public static string SdkPackagePath => Path.Combine(ArtifactsFeed, SdkPackageFileName);

    /// <summary>
    /// The packed SDK, or a failure telling how to make it. End-to-end tests never skip silently: a missing
    /// package means the run did not test what it claims to.
    /// </summary>
    public static string RequireSdkPackage() => RequireSdkPackage(ArtifactsFeed);

    /// <summary>The SDK package of <see cref="SdkVersion"/> in <paramref name="feed"/>, or an exception naming the fix.</summary>
    public static string RequireSdkPackage(string feed)
    {
        var path = Path.Combine(feed, SdkPackageFileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} does not exist. The end-to-end tests consume the packed SDK: run build/pack.sh " +
                "(or `dotnet pack src/FunctionPackage.Sdk -c Release`) first, or use build/test.sh, which packs before testing.");
        }
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Sdk.sln found above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }

    private static string ReadSdkVersion()
    {
        var props = Path.Combine(Root, "build", "FunctionPackage.Version.props");
        var version = XDocument.Load(props).Descendants("FunctionPackageSdkVersion").Select(e => e.Value.Trim()).FirstOrDefault();
        if (string.IsNullOrEmpty(version)) throw new InvalidOperationException($"{props} sets no FunctionPackageSdkVersion.");
        return version;
    }
}
