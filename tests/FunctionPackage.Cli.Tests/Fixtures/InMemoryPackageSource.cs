using System.Collections.Concurrent;
using FunctionPackage.Installing.Sources;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>
/// A package source that is neither a folder nor a feed: packages held as bytes in memory. It proves that the installer
/// needs only <see cref="IPackageSource"/>, and records what was asked of it.
/// </summary>
public sealed class InMemoryPackageSource : IPackageSource
{
    public const string Location = "memory://packages";

    private readonly ConcurrentDictionary<string, byte[]> _packages = new(StringComparer.Ordinal);

    /// <summary>When set, a download of this id waits until canceled (a source that never answers).</summary>
    public string? HangOnId { get; set; }

    public int Sessions => _sessions;
    private int _sessions;

    /// <summary>"id version" of every download asked for, in order.</summary>
    public ConcurrentQueue<string> Downloads { get; } = new();

    private static string Key(string id, string version) => $"{id.ToLowerInvariant()}/{NuGetVersion.Parse(version).ToNormalizedString().ToLowerInvariant()}";

    public void Add(string id, string version, string nupkgFile) => _packages[Key(id, version)] = File.ReadAllBytes(nupkgFile);

    public IPackageSourceSession Open(PackageSourceOptions options)
    {
        Interlocked.Increment(ref _sessions);
        return new Session(this);
    }

    private sealed class Session : IPackageSourceSession
    {
        private readonly InMemoryPackageSource _owner;
        private readonly ConcurrentDictionary<string, bool> _waiting = new(StringComparer.Ordinal);

        public Session(InMemoryPackageSource owner) => _owner = owner;

        public IReadOnlyCollection<string> Waiting => _waiting.Keys.ToList();

        public SourceSelection Select(IReadOnlyList<string>? manifestHints) => new(new[] { Location }, "memory");

        public async Task<string?> DownloadAsync(SourceSelection from, string id, string version, string destinationFile, CancellationToken cancellationToken)
        {
            _owner.Downloads.Enqueue($"{id} {version}");
            if (string.Equals(id, _owner.HangOnId, StringComparison.OrdinalIgnoreCase))
            {
                _waiting[Location] = true;
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (!_owner._packages.TryGetValue(Key(id, version), out var bytes)) return null;
            await File.WriteAllBytesAsync(destinationFile, bytes, cancellationToken);
            return Location;
        }

        public void Dispose()
        {
        }
    }
}
