namespace FunctionPackage.Installing.Sources;

/// <summary>
/// Where an installer gets packages by exact id and version. <see cref="NuGetFeeds.NuGetFeedSource"/> serves NuGet feeds
/// (folders and HTTP v3, through NuGet.Protocol); a new kind of source (an OCI registry, say) is another implementation
/// in its own folder beside <c>NuGetFeeds/</c>. Nothing here names a NuGet type, so an implementation needs none.
/// </summary>
public interface IPackageSource
{
    /// <summary>Opens the sources for one install (one set of connections, credentials and caches, disposed with it).</summary>
    IPackageSourceSession Open(PackageSourceOptions options);
}

/// <summary>What one install asks of its sources.</summary>
public sealed record PackageSourceOptions
{
    /// <summary>The locations the user named (<c>--source</c>); empty means the source's own configuration, then the manifest's hint.</summary>
    public IReadOnlyList<string> Requested { get; init; } = Array.Empty<string>();
    /// <summary>Relative locations and configuration files are found from here.</summary>
    public required string WorkingDirectory { get; init; }
    /// <summary>How long a location may stay silent before it counts as timed out (FPKG5114).</summary>
    public required TimeSpan RequestTimeout { get; init; }
    /// <summary>The most bytes one download may write (FPKG5119), counted while they stream.</summary>
    public required long MaxPackageBytes { get; init; }
}

/// <summary>One install's view of its sources.</summary>
public interface IPackageSourceSession : IDisposable
{
    /// <summary>
    /// The locations to look in. <paramref name="manifestHints"/> is the function's <c>sources</c> hint, used only when
    /// nothing else is configured; null for the function package itself (its manifest is not read yet).
    /// </summary>
    SourceSelection Select(IReadOnlyList<string>? manifestHints);

    /// <summary>
    /// Writes the package to <paramref name="destinationFile"/> from the first location in <paramref name="from"/> that
    /// has it and returns that location, or null when every location answered and none has it.
    /// </summary>
    /// <exception cref="Diagnostics.FunctionPackageException">
    /// A location failed, timed out or could not be reached and none had the package (FPKG5113/5114/5101); a location
    /// served something that is not a package (FPKG5112) or too many bytes (FPKG5119).
    /// </exception>
    Task<string?> DownloadAsync(SourceSelection from, string id, string version, string destinationFile, CancellationToken cancellationToken);

    /// <summary>The locations downloads are waiting on now (named when the whole install times out).</summary>
    IReadOnlyCollection<string> Waiting { get; }
}

/// <summary>The locations chosen for a download and where the choice came from (for messages).</summary>
public sealed record SourceSelection(IReadOnlyList<string> Locations, string Origin)
{
    public bool IsEmpty => Locations.Count == 0;

    public string Describe() => IsEmpty
        ? $"no sources ({Origin})"
        : $"{string.Join(", ", Locations)} (from {Origin})";
}
