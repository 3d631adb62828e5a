using System.Xml.Linq;

namespace FunctionPackage.Testing;

/// <summary>
/// An isolated NuGet setup for a test root: <c>rootDir/NuGet.config</c> with <c>&lt;clear/&gt;</c>, only the
/// given feeds, and a private global packages folder, so a repacked FunctionPackage.Sdk of the same version is
/// never served stale from a shared cache. Every project created under <c>rootDir</c> picks it up.
/// </summary>
public sealed class PackageRepository
{
    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";

    private PackageRepository(string rootDirectory, IReadOnlyList<string> feeds)
    {
        RootDirectory = rootDirectory;
        Feeds = feeds;
    }

    public string RootDirectory { get; }

    public IReadOnlyList<string> Feeds { get; }

    /// <summary>The global packages folder (<c>rootDir/.packages</c>); also passed as <c>NUGET_PACKAGES</c>.</summary>
    public string PackagesFolder => Path.Combine(RootDirectory, ".packages");

    public string NuGetConfigPath => Path.Combine(RootDirectory, "NuGet.config");

    /// <summary>Writes the NuGet.config. Feeds are folder paths or URLs, in priority order.</summary>
    public static PackageRepository Create(string rootDir, params string[] feeds)
    {
        var root = Path.GetFullPath(rootDir);
        Directory.CreateDirectory(root);
        var repository = new PackageRepository(root, feeds);
        Directory.CreateDirectory(repository.PackagesFolder);

        var sources = new XElement("packageSources", new XElement("clear"));
        for (var i = 0; i < feeds.Length; i++)
        {
            var key = feeds[i] == NuGetOrg ? "nuget.org" : $"feed{i}";
            var add = new XElement("add", new XAttribute("key", key), new XAttribute("value", feeds[i]));
            if (feeds[i].StartsWith("https://", StringComparison.Ordinal)) add.Add(new XAttribute("protocolVersion", "3"));
            sources.Add(add);
        }
        var config = new XDocument(
            new XElement("configuration",
                new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", repository.PackagesFolder))),
                sources,
                new XElement("fallbackPackageFolders", new XElement("clear")),
                new XElement("disabledPackageSources", new XElement("clear"))));
        File.WriteAllText(repository.NuGetConfigPath, config.ToString() + "\n", ProjectCreator.Utf8NoBom);
        return repository;
    }

    /// <summary>The <c>globalPackagesFolder</c> of the nearest NuGet.config at or above <paramref name="directory"/>, if it sets one.</summary>
    public static string? FindGlobalPackagesFolder(string directory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            var config = dir.GetFiles().FirstOrDefault(f => f.Name.Equals("NuGet.config", StringComparison.OrdinalIgnoreCase));
            if (config is null) continue;
            var value = XDocument.Load(config.FullName).Root?
                .Element("config")?
                .Elements("add")
                .FirstOrDefault(e => (string?)e.Attribute("key") == "globalPackagesFolder")?
                .Attribute("value")?.Value;
            if (value is not null) return Path.GetFullPath(value, dir.FullName);
        }
        return null;
    }
}
