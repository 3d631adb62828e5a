using FunctionPackage.Installing.Diagnostics;
using NuGet.Configuration;

namespace FunctionPackage.Installing.Sources.NuGetFeeds;

/// <summary>The NuGet sources to use (with their NuGet.config credentials) and where they came from, for messages.</summary>
public sealed record ResolvedSources(IReadOnlyList<PackageSource> Sources, string Origin);

/// <summary>
/// Picks the feeds to install from: <c>--source</c> options, else the NuGet.config in effect for the working
/// directory, else the manifest's <c>sources</c> hint. The first non-empty tier wins; tiers are never mixed.
/// </summary>
public sealed class PackageSourceResolver
{
    public ResolvedSources Resolve(IReadOnlyList<string> explicitSources, string workingDirectory, IReadOnlyList<string>? manifestHints)
    {
        if (explicitSources.Count > 0)
        {
            return new ResolvedSources(explicitSources.Select(s => ToPackageSource(s, workingDirectory)).ToList(), "--source");
        }

        var fromConfig = LoadFromConfig(workingDirectory);
        if (fromConfig.Count > 0) return new ResolvedSources(fromConfig, $"NuGet.config for '{workingDirectory}'");

        var hints = (manifestHints ?? Array.Empty<string>()).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        return new ResolvedSources(hints.Select(s => ToPackageSource(s, workingDirectory)).ToList(), "the manifest's sources hint");
    }

    private static List<PackageSource> LoadFromConfig(string workingDirectory)
    {
        try
        {
            var settings = Settings.LoadDefaultSettings(workingDirectory);
            return new PackageSourceProvider(settings).LoadPackageSources().Where(s => s.IsEnabled).ToList();
        }
        catch (NuGetConfigurationException ex)
        {
            throw new FunctionPackageException(DiagnosticCodes.NoSources, DiagnosticMessages.Format("FPKG5106", workingDirectory, ex.Message), ex);
        }
    }

    /// <summary>URLs stay as they are; anything else is a folder, made absolute against the working directory.</summary>
    private static PackageSource ToPackageSource(string source, string workingDirectory)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return new PackageSource(source);
        }
        var path = source.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(source).LocalPath : source;
        return new PackageSource(Path.GetFullPath(path, workingDirectory));
    }
}
