using FunctionPackage.Cli.Diagnostics;
using Microsoft.Extensions.Logging;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Sources;

/// <summary>
/// Downloads a package by exact id and version from folder or HTTP v3 feeds through NuGet.Protocol.
/// Sources are tried in order; the first that has the package wins.
/// </summary>
public sealed class NuGetPackageFetcher : IDisposable
{
    private readonly ILogger _logger;
    private readonly NuGetLoggerAdapter _nugetLogger;
    // No HTTP cache: the content hash is the only trust anchor, and a stale cached copy of a repacked package would hide a change.
    private readonly SourceCacheContext _cache = new() { NoCache = true, DirectDownload = true };
    private readonly Dictionary<string, SourceRepository> _repositories = new(StringComparer.Ordinal);

    public NuGetPackageFetcher(ILogger logger)
    {
        _logger = logger;
        _nugetLogger = new NuGetLoggerAdapter(logger);
    }

    /// <summary>
    /// Writes the .nupkg to <paramref name="destinationFile"/> and returns the source it came from, or null when
    /// every source answered and none has it.
    /// </summary>
    /// <exception cref="CliException">FPKG5101 when the package was not found and at least one source could not be reached.</exception>
    public async Task<string?> DownloadAsync(IReadOnlyList<PackageSource> sources, string id, NuGetVersion version, string destinationFile, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (source.IsLocal && !Directory.Exists(source.Source))
            {
                failures.Add($"{source.Source}: folder does not exist");
                continue;
            }
            try
            {
                var resource = await GetRepository(source).GetResourceAsync<FindPackageByIdResource>(cancellationToken)
                    ?? throw new InvalidOperationException("the source offers no package download resource (PackageBaseAddress/3.0.0)");
                bool found;
                await using (var file = new FileStream(destinationFile, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    found = await resource.CopyNupkgToStreamAsync(id, version, file, _cache, _nugetLogger, cancellationToken);
                }
                if (found) return source.Source;
                _logger.LogDebug("{Id} {Version} is not in {Source}", id, version, source.Source);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is FatalProtocolException or HttpRequestException or IOException or InvalidOperationException or TaskCanceledException)
            {
                failures.Add($"{source.Source}: {Innermost(ex).Message}");
                _logger.LogDebug(ex, "Source {Source} failed", source.Source);
            }
        }
        if (File.Exists(destinationFile)) File.Delete(destinationFile);
        if (failures.Count > 0)
        {
            throw new CliException(CliDiagnosticCodes.SourceUnreachable, ExitCodes.NotFound,
                $"{id} {version.ToNormalizedString()} was not found and these sources could not be reached: {string.Join("; ", failures)}. " +
                "Check the URL or folder, the network, and credentials in NuGet.config, or pass a reachable --source.");
        }
        return null;
    }

    private SourceRepository GetRepository(PackageSource source)
    {
        lock (_repositories)
        {
            if (!_repositories.TryGetValue(source.Source, out var repository))
            {
                repository = Repository.Factory.GetCoreV3(source);
                _repositories.Add(source.Source, repository);
            }
            return repository;
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }

    public void Dispose() => _cache.Dispose();
}
