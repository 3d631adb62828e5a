using System.Security;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// Isolated build roots outside the repository: their own Directory.Build.props (so the repository's do not
/// apply), NuGet.config (FunctionPackage.* from artifacts/feed, everything else from nuget.org unless mapped to a
/// local feed) and packages folder (a repacked SDK is never served stale from a shared cache).
/// </summary>
public static class Workspace
{
    public static void WriteBuildProps(string root, string repoVersionProps, string packagesDirectory)
    {
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), $"""
            <Project>
              <Import Project="{SecurityElement.Escape(repoVersionProps)}" />
              <PropertyGroup>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{SecurityElement.Escape(packagesDirectory)}/</RestorePackagesPath>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");
    }

    /// <param name="localFeeds">Extra feeds (folders or URLs) and the id pattern each serves.</param>
    public static void WriteNuGetConfig(string root, string sdkFeed, params (string Pattern, string Feed)[] localFeeds)
    {
        // An http feed on loopback (the generated packages) needs allowInsecureConnections since .NET 9 (NU1302).
        var sources = string.Join("\n", localFeeds.Select((f, i) =>
            $"""    <add key="local{i}" value="{SecurityElement.Escape(f.Feed)}"{(f.Feed.StartsWith("http://", StringComparison.Ordinal) ? " allowInsecureConnections=\"true\"" : "")} />"""));
        var mappings = string.Join("\n", localFeeds.Select((f, i) =>
            $"""    <packageSource key="local{i}"><package pattern="{SecurityElement.Escape(f.Pattern)}" /></packageSource>"""));
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="sdk" value="{SecurityElement.Escape(sdkFeed)}" />
            {sources}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="sdk"><package pattern="FunctionPackage.*" /></packageSource>
            {mappings}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>Copies a directory tree, skipping bin/ and obj/.</summary>
    public static void CopyProject(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj") continue;
            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
