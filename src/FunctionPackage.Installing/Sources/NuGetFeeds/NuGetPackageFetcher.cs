using System.Collections.Concurrent;
using System.Xml;
using FunctionPackage.Installing.Diagnostics;
using Microsoft.Extensions.Logging;
using NuGet.Configuration;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Sources.NuGetFeeds;

/// <summary>
/// Downloads a package by exact id and version from folder or HTTP v3 feeds through NuGet.Protocol.
/// Sources are tried in order; the first that has the package wins. Every HTTP request is timed and its failures are
/// recorded (<see cref="FeedHttpHandler"/>), so a feed that hangs, errs or dies is reported as such, never as "not found".
/// </summary>
public sealed class NuGetPackageFetcher : IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);
    private readonly ILogger _logger;
    private readonly NuGetLoggerAdapter _nugetLogger;
    private readonly TimeSpan _requestTimeout;
    private readonly long _maxPackageBytes;
    // No HTTP cache: the content hash is the only trust anchor, and a stale cached copy of a repacked package would hide a change.
    private readonly SourceCacheContext _cache = new() { NoCache = true, DirectDownload = true };
    private readonly Dictionary<string, SourceRepository> _repositories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DownloadAttempt, string> _active = new();

    /// <summary>
    /// <paramref name="maxPackageBytes"/> is the most bytes one download may write (<see cref="Packages.PackageLimits.MaxTotalBytes"/>):
    /// a feed that streams an endless or huge body is cut off there, before it fills the disk.
    /// </summary>
    public NuGetPackageFetcher(ILogger logger, TimeSpan requestTimeout, long maxPackageBytes)
    {
        _logger = logger;
        _nugetLogger = new NuGetLoggerAdapter(logger);
        _requestTimeout = requestTimeout;
        _maxPackageBytes = maxPackageBytes;
    }

    /// <summary>The sources downloads are waiting on now, or were when the install was canceled (for the deadline's message).</summary>
    public IReadOnlyCollection<string> ActiveSources => _active.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Writes the .nupkg to <paramref name="destinationFile"/> and returns the source it came from, or null when
    /// every source answered and none has it. An I/O error writing the file is thrown as it is (a local failure).
    /// </summary>
    /// <exception cref="FunctionPackageException">
    /// FPKG5112 when a source serves something that is not a package; FPKG5119 when it sends more than the package limit;
    /// when the package was found nowhere and a source
    /// failed: FPKG5114 (it timed out), FPKG5113 (it answered an error or broke off) or FPKG5101 (it could not be reached).
    /// </exception>
    public async Task<string?> DownloadAsync(IReadOnlyList<PackageSource> sources, string id, NuGetVersion version, string destinationFile, CancellationToken cancellationToken)
    {
        var failures = new List<(string Code, string Message)>();
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var failure = source.IsLocal && !Directory.Exists(source.Source)
                ? (DiagnosticCodes.SourceUnreachable, $"{source.Source}: folder does not exist")
                : await TryDownloadAsync(source, id, version, destinationFile, cancellationToken);
            if (failure is null)
            {
                EnsureIsPackage(destinationFile, source.Source, id, version);
                return source.Source;
            }
            if (failure.Value.Code is not null) failures.Add((failure.Value.Code, failure.Value.Message));
        }
        if (File.Exists(destinationFile)) File.Delete(destinationFile);
        if (failures.Count == 0) return null;

        var what = $"{id} {version.ToNormalizedString()}";
        var list = string.Join("; ", failures.Select(f => f.Message));
        if (failures.Any(f => f.Code == DiagnosticCodes.SourceTimedOut))
        {
            throw new FunctionPackageException(DiagnosticCodes.SourceTimedOut, DiagnosticMessages.Format("FPKG5114", what, list, _requestTimeout.TotalSeconds));
        }
        if (failures.Any(f => f.Code == DiagnosticCodes.SourceFailed))
        {
            throw new FunctionPackageException(DiagnosticCodes.SourceFailed, DiagnosticMessages.Format("FPKG5113", what, list));
        }
        throw new FunctionPackageException(DiagnosticCodes.SourceUnreachable, DiagnosticMessages.Format("FPKG5101", what, list));
    }

    /// <summary>Null when downloaded; (null, _) when the source has no such package; else the failure's code and message.</summary>
    private async Task<(string? Code, string Message)?> TryDownloadAsync(PackageSource source, string id, NuGetVersion version, string destinationFile, CancellationToken cancellationToken)
    {
        using var attempt = new DownloadAttempt(source.Source, _requestTimeout, _maxPackageBytes, cancellationToken);
        DownloadAttempt.Current = attempt; // flows into NuGet.Protocol's calls below, down to FeedHttpHandler
        _active[attempt] = source.Source;
        // Progress for a slow feed: every 10 s, or twice per request timeout when that is shorter.
        var started = DateTime.UtcNow;
        var interval = TimeSpan.FromTicks(Math.Min(ProgressInterval.Ticks, _requestTimeout.Ticks / 2));
        using var progress = new Timer(_ => _logger.LogInformation("Waiting for {Source} ({Id} {Version}, {Seconds:0} s)…",
            source.Source, id, version.ToNormalizedString(), (DateTime.UtcNow - started).TotalSeconds), null, interval, interval);
        DestinationStream? file = null;
        try
        {
            var resource = await GetRepository(source).GetResourceAsync<FindPackageByIdResource>(attempt.Token)
                ?? throw new InvalidOperationException("the source offers no package download resource (PackageBaseAddress/3.0.0)");
            bool found;
            await using (file = new DestinationStream(destinationFile, attempt))
            {
                found = await resource.CopyNupkgToStreamAsync(id, version, file, _cache, _nugetLogger, attempt.Token);
            }
            file.ThrowIfWriteFailed();
            if (attempt.LimitExceeded) throw TooLarge(source.Source, id, version, destinationFile); // NuGet may log and swallow our stop
            if (found) return null;
            // NuGet.Protocol answers "not found" for a 500 or a broken-off body too; the handler knows better.
            if (attempt.Failure is { } failure) return (DiagnosticCodes.SourceFailed, $"{source.Source}: {failure}");
            _logger.LogDebug("{Id} {Version} is not in {Source}", id, version, source.Source);
            return (null, "");
        }
        catch (Exception) when (attempt.LimitExceeded && !cancellationToken.IsCancellationRequested)
        {
            throw TooLarge(source.Source, id, version, destinationFile);
        }
        catch (OperationCanceledException) when (attempt.TimedOut && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("{Source} timed out: {Failure}", source.Source, attempt.Failure);
            return (DiagnosticCodes.SourceTimedOut, $"{source.Source}: {attempt.Failure}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception) when (file?.WriteFailure is not null)
        {
            file.ThrowIfWriteFailed(); // disk full or read-only while saving: a local failure, not the source's
            throw;
        }
        catch (Exception ex) when (IsNotAPackage(ex))
        {
            // A folder feed's reader opens each .nupkg to find the one asked for: a broken file fails it.
            throw InvalidPackage(source.Source, id, version, ex);
        }
        catch (Exception ex) when (ex is FatalProtocolException or HttpRequestException or IOException or InvalidOperationException or TaskCanceledException)
        {
            _logger.LogDebug(ex, "Source {Source} failed", source.Source);
            // Connection refused, DNS or a missing service index: unreachable. An error the handler saw: the source failed.
            return attempt.Failure is { } failure && !IsConnectFailure(ex)
                ? (DiagnosticCodes.SourceFailed, $"{source.Source}: {failure}")
                : (DiagnosticCodes.SourceUnreachable, $"{source.Source}: {Innermost(ex).Message}");
        }
        finally
        {
            if (!cancellationToken.IsCancellationRequested) _active.TryRemove(attempt, out _);
        }
    }

    private static bool IsConnectFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }) return true;
        }
        return false;
    }

    /// <summary>FPKG5112 unless the file is a zip with a nuspec: a login page or proxy error served as the package.</summary>
    private static void EnsureIsPackage(string file, string source, string id, NuGetVersion version)
    {
        try
        {
            using var reader = new PackageArchiveReader(file);
            reader.GetIdentity();
        }
        catch (Exception ex) when (IsNotAPackage(ex))
        {
            File.Delete(file);
            throw InvalidPackage(source, id, version, ex);
        }
    }

    private static bool IsNotAPackage(Exception ex)
        => ex is InvalidDataException or PackagingException or XmlException || ex.InnerException is InvalidDataException or XmlException;

    private static FunctionPackageException InvalidPackage(string source, string id, NuGetVersion version, Exception ex)
        => new(DiagnosticCodes.SourceServedInvalidPackage, DiagnosticMessages.Format("FPKG5112", source, id, version.ToNormalizedString(), Innermost(ex).Message), ex);

    /// <summary>FPKG5119: the source sent more than the package limit; the partial file is deleted at once.</summary>
    private FunctionPackageException TooLarge(string source, string id, NuGetVersion version, string destinationFile)
    {
        File.Delete(destinationFile);
        return new FunctionPackageException(DiagnosticCodes.SourcePackageTooLarge, DiagnosticMessages.Format("FPKG5119", source, _maxPackageBytes, id, version.ToNormalizedString(), Packages.PackageLimits.TotalVariable, Packages.PackageLimits.TotalVariable));
    }

    private SourceRepository GetRepository(PackageSource source)
    {
        lock (_repositories)
        {
            if (!_repositories.TryGetValue(source.Source, out var repository))
            {
                // Our HTTP pipeline first: origin-bound credentials and timed requests (FeedHttpHandler).
                var providers = Repository.Provider.GetCoreV3().Prepend(new Lazy<INuGetResourceProvider>(() => new FeedHttpHandlerResourceProvider()));
                repository = Repository.CreateSource(providers, source);
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

    /// <summary>
    /// The downloaded file; remembers a failed write so it is never mistaken for the source's failure, and refuses a
    /// write past the attempt's byte limit (a folder feed's file is copied here directly; HTTP bodies are also cut in FeedHttpHandler).
    /// </summary>
    private sealed class DestinationStream : Stream
    {
        private readonly FileStream _file;
        private readonly DownloadAttempt _attempt;
        private long _written;

        public DestinationStream(string path, DownloadAttempt attempt)
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            _attempt = attempt;
        }

        public Exception? WriteFailure { get; private set; }

        private void Count(int bytes) => _attempt.CheckSize(_written += bytes);

        public void ThrowIfWriteFailed()
        {
            if (WriteFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(WriteFailure);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Length);
            try { await _file.WriteAsync(buffer, cancellationToken); }
            catch (Exception ex) when (Record(ex)) { throw; }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Count(count);
            try { _file.Write(buffer, offset, count); }
            catch (Exception ex) when (Record(ex)) { throw; }
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            try { await _file.FlushAsync(cancellationToken); }
            catch (Exception ex) when (Record(ex)) { throw; }
        }

        public override void Flush()
        {
            try { _file.Flush(); }
            catch (Exception ex) when (Record(ex)) { throw; }
        }

        public override async ValueTask DisposeAsync()
        {
            try { await _file.DisposeAsync(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { WriteFailure ??= ex; } // the final flush: see ThrowIfWriteFailed
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try { _file.Dispose(); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { WriteFailure ??= ex; }
            }
            base.Dispose(disposing);
        }

        /// <summary>Always false, so the exception filter only records.</summary>
        private bool Record(Exception ex)
        {
            if (ex is IOException or UnauthorizedAccessException) WriteFailure ??= ex;
            return false;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _file.Length;
        public override long Position { get => _file.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
