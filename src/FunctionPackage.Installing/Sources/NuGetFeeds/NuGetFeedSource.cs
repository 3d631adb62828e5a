using Microsoft.Extensions.Logging;
using NuGet.Configuration;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Sources.NuGetFeeds;

/// <summary>
/// NuGet feeds as a package source: <c>--source</c> locations, else the NuGet.config in effect, else the manifest's hint
/// (<see cref="PackageSourceResolver"/>), downloaded through NuGet.Protocol (<see cref="NuGetPackageFetcher"/>).
/// Constructing it touches no NuGet.Protocol type, so a no-op install that never opens it never loads NuGet.Protocol.
/// </summary>
public sealed class NuGetFeedSource : IPackageSource
{
    private readonly ILogger _logger;

    public NuGetFeedSource(ILogger logger) => _logger = logger;

    public IPackageSourceSession Open(PackageSourceOptions options) => new Session(options, _logger);

    private sealed class Session : IPackageSourceSession
    {
        private readonly PackageSourceOptions _options;
        private readonly PackageSourceResolver _resolver = new();
        private readonly NuGetPackageFetcher _fetcher;
        // The NuGet source (with its NuGet.config credentials) behind each location handed out by Select.
        private readonly Dictionary<string, PackageSource> _selected = new(StringComparer.Ordinal);

        public Session(PackageSourceOptions options, ILogger logger)
        {
            _options = options;
            _fetcher = new NuGetPackageFetcher(logger, options.RequestTimeout, options.MaxPackageBytes);
        }

        public IReadOnlyCollection<string> Waiting => _fetcher.ActiveSources;

        public SourceSelection Select(IReadOnlyList<string>? manifestHints)
        {
            var resolved = _resolver.Resolve(_options.Requested, _options.WorkingDirectory, manifestHints);
            lock (_selected)
            {
                foreach (var source in resolved.Sources) _selected[source.Source] = source;
            }
            return new SourceSelection(resolved.Sources.Select(s => s.Source).ToList(), resolved.Origin);
        }

        public Task<string?> DownloadAsync(SourceSelection from, string id, string version, string destinationFile, CancellationToken cancellationToken)
        {
            List<PackageSource> sources;
            lock (_selected)
            {
                sources = from.Locations.Select(location => _selected[location]).ToList();
            }
            return _fetcher.DownloadAsync(sources, id, NuGetVersion.Parse(version), destinationFile, cancellationToken);
        }

        public void Dispose() => _fetcher.Dispose();
    }
}
