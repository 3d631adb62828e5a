using System.IO.Compression;
using System.Reflection;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NuGet.Packaging;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Installation;

public sealed record InstallRequest
{
    /// <summary>A .nupkg path or <c>id@version</c>.</summary>
    public required string Package { get; init; }
    public required string Root { get; init; }
    /// <summary>Feeds from <c>--source</c>; empty means NuGet.config, then the manifest's hint.</summary>
    public IReadOnlyList<string> Sources { get; init; } = Array.Empty<string>();
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    public string? MaterializeDirectory { get; init; }
    public int MaxParallelDownloads { get; init; } = 8;
    /// <summary>How long a feed may stay silent: before the first byte of a download, or between two reads (<c>--request-timeout</c>).</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;
    /// <summary>Deadline for the whole install (<c>--timeout</c>).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    // As HttpClient's default; generous for one silent feed, short enough to notice.
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(100);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);
    /// <summary>Size and count limits for the function package and every dependency (default: FNPKG_MAX_* or built-in).</summary>
    public PackageLimits? Limits { get; init; }
}

public sealed record InstallResult(
    string Id,
    string Version,
    string FunctionDirectory,
    string PackagesFolder,
    bool AlreadyInstalled,
    int PackagesAdded,
    string? MaterializedDirectory);

/// <summary>
/// Installs a function package into an install root: verify everything first, stage privately, fetch and
/// hash-check each pinned dependency into the shared packages folder, write the receipt, then rename into place.
/// Idempotent and safe to run concurrently on one root; an interrupted install leaves only <c>.staging/</c> garbage.
/// </summary>
public sealed class FunctionInstaller
{
    private readonly ILogger _logger;
    private readonly PackageVerifier _verifier = new();
    private readonly PackageSourceResolver _sourceResolver = new();
    private readonly RuntimeFrameworkChecker _runtimeChecker;

    public FunctionInstaller(ILogger? logger = null, RuntimeFrameworkChecker? runtimeChecker = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _runtimeChecker = runtimeChecker ?? new RuntimeFrameworkChecker();
    }

    public static string InstalledBy
    {
        get
        {
            var version = typeof(FunctionInstaller).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = version.IndexOf('+');
            return "fnpkg " + (plus >= 0 ? version[..plus] : version);
        }
    }

    public async Task<InstallResult> InstallAsync(InstallRequest request, CancellationToken cancellationToken = default)
    {
        var layout = new InstallLayout(Path.GetFullPath(request.Root, request.WorkingDirectory));
        var argument = PackageArgument.Parse(request.Package, request.WorkingDirectory);
        // A bad --materialize target fails before anything is installed, not after.
        if (request.MaterializeDirectory is not null)
            Materializer.EnsureTargetIsEmpty(Path.GetFullPath(request.MaterializeDirectory, request.WorkingDirectory));

        // Quick no-op before any network access: id@version is immutable, so a complete install is the answer.
        if (!argument.IsFile)
        {
            var existing = layout.FunctionDirectory(argument.Id!, argument.Version!.ToNormalizedString());
            if (InstallReceipt.TryRead(existing) is { } receipt && AllDependenciesPresent(receipt, layout))
                return await AlreadyInstalledAsync(request, layout, receipt, existing);
        }

        var limits = request.Limits ?? PackageLimits.FromEnvironment();
        // Created after the no-op check: a no-op then never loads NuGet.Protocol.
        using var fetcher = new NuGetPackageFetcher(_logger, request.RequestTimeout, limits.MaxTotalBytes);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        try
        {
            return await InstallCoreAsync(request, layout, argument, limits, fetcher, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var waitingOn = fetcher.ActiveSources;
            throw new FunctionPackageException(DiagnosticCodes.InstallTimedOut, $"{argument} was not installed within the --timeout of {request.Timeout.TotalSeconds:0.#} s" +
                (waitingOn.Count > 0 ? $"; still waiting for {string.Join(", ", waitingOn)}" : "") +
                ". Check that feed and the network, or raise --timeout.");
        }
        catch (Exception ex) when (LocalFailure.From(ex, layout.Root) is { } local)
        {
            throw local;
        }
    }

    private async Task<InstallResult> InstallCoreAsync(InstallRequest request, InstallLayout layout, PackageArgument argument,
        PackageLimits limits, NuGetPackageFetcher fetcher, CancellationToken cancellationToken)
    {
        StagingArea? staging = null;
        try
        {
            string packagePath;
            if (argument.IsFile)
            {
                packagePath = argument.FilePath!;
            }
            else
            {
                staging = CreateStaging(layout);
                packagePath = await DownloadFunctionPackageAsync(argument, request, fetcher, staging, cancellationToken);
            }

            using var archive = FunctionPackageArchive.Open(packagePath, limits);
            var verification = _verifier.Verify(archive);
            foreach (var issue in verification.Issues) _logger.LogError("{Message}", issue.Message);
            var manifest = verification.EnsureValid();
            if (!argument.IsFile && (!string.Equals(manifest.Id, argument.Id, StringComparison.OrdinalIgnoreCase)
                || NuGetVersion.Parse(manifest.Version) != argument.Version))
            {
                throw new FunctionPackageException(DiagnosticCodes.IdentityMismatch, $"The feed returned {manifest.Id} {manifest.Version} for {argument}. The feed serves the wrong file; fix the feed.");
            }
            _runtimeChecker.Check(manifest.Runtime);

            var functionDirectory = layout.FunctionDirectory(manifest.Id, manifest.Version);
            // A function folder is renamed into place complete, so its receipt means only shared packages can be missing.
            var installed = InstallReceipt.TryRead(functionDirectory);
            if (installed is not null)
            {
                EnsureSameContent(installed, verification, functionDirectory);
                if (AllDependenciesPresent(installed, layout)) return await AlreadyInstalledAsync(request, layout, installed, functionDirectory);
            }

            // Everything is verified: from here on we write.
            staging ??= CreateStaging(layout);
            var stagedFunction = Path.Combine(staging.Directory, "function-root");
            if (installed is null) ExtractFunctionFiles(archive, stagedFunction);
            var added = await InstallDependenciesAsync(manifest, archive, request, layout, limits, fetcher, staging, cancellationToken);

            var receipt = installed;
            var alreadyThere = true; // repaired shared packages only
            if (receipt is null)
            {
                receipt = CreateReceipt(manifest, verification, layout);
                File.WriteAllBytes(Path.Combine(stagedFunction, InstallLayout.ReceiptFileName), receipt.Serialize());
                cancellationToken.ThrowIfCancellationRequested();
                alreadyThere = MoveIntoPlace(stagedFunction, functionDirectory, verification);
                _logger.LogInformation("Installed {Id} {Version} to {Directory}", manifest.Id, manifest.Version, functionDirectory);
            }
            return await FinishAsync(request, layout, receipt, functionDirectory, alreadyThere, added);
        }
        finally
        {
            staging?.Dispose();
        }
    }

    private static InstallReceipt CreateReceipt(FunctionManifest manifest, VerificationResult verification, InstallLayout layout) => new()
    {
        Id = manifest.Id,
        Version = manifest.Version,
        ManifestSha512 = verification.ManifestSha512!,
        DependencyMode = manifest.DependencyMode,
        Dependencies = manifest.Dependencies.Select(d => new ReceiptDependency { Id = d.Id, Version = d.Version, Sha512 = d.Sha512, Path = d.Path }).ToList(),
        PackagesFolder = layout.PackagesFolder,
        InstalledBy = InstalledBy,
    };

    /// <summary>
    /// The no-op: nothing to write, but abandoned staging folders (a killed install's, possibly gigabytes) are removed
    /// here too rather than waiting for the next real install. A read-only root just keeps them.
    /// </summary>
    private async Task<InstallResult> AlreadyInstalledAsync(InstallRequest request, InstallLayout layout, InstallReceipt receipt, string functionDirectory)
    {
        CleanupAbandonedStaging(layout);
        _logger.LogInformation("{Id} {Version} is already installed in {Directory}", receipt.Id, receipt.Version, functionDirectory);
        return await FinishAsync(request, layout, receipt, functionDirectory, alreadyInstalled: true, added: 0);
    }

    private void CleanupAbandonedStaging(InstallLayout layout)
    {
        var removed = StagingArea.CleanupAbandoned(layout.StagingFolder);
        if (removed > 0) _logger.LogDebug("Removed {Count} abandoned staging folder(s) in {Folder}", removed, layout.StagingFolder);
    }

    private StagingArea CreateStaging(InstallLayout layout)
    {
        Directory.CreateDirectory(layout.Root);
        CleanupAbandonedStaging(layout);
        return StagingArea.Create(layout.StagingFolder);
    }

    private async Task<string> DownloadFunctionPackageAsync(PackageArgument argument, InstallRequest request, NuGetPackageFetcher fetcher, StagingArea staging, CancellationToken cancellationToken)
    {
        var sources = _sourceResolver.Resolve(request.Sources, request.WorkingDirectory, manifestHints: null);
        if (sources.Sources.Count == 0)
        {
            throw new FunctionPackageException(DiagnosticCodes.NoSources, $"No package source to fetch {argument} from. Pass --source <feed> or add one to NuGet.config.");
        }
        var downloads = Path.Combine(staging.Directory, "downloads");
        Directory.CreateDirectory(downloads);
        var file = PackagePaths.CombineNames(downloads, $"{argument.Id!.ToLowerInvariant()}.{argument.Version!.ToNormalizedString().ToLowerInvariant()}.nupkg");
        _logger.LogInformation("Downloading {Id} {Version}…", argument.Id, argument.Version.ToNormalizedString());
        var from = await fetcher.DownloadAsync(sources.Sources, argument.Id, argument.Version, file, cancellationToken);
        if (from is null)
        {
            throw new FunctionPackageException(DiagnosticCodes.FunctionPackageNotFound, $"{argument} was not found in {sources.Describe()}. Check the id and exact version, or push the package to one of these feeds.");
        }
        return file;
    }

    private static void EnsureSameContent(InstallReceipt installed, VerificationResult verification, string functionDirectory)
    {
        if (!string.Equals(installed.ManifestSha512, verification.ManifestSha512, StringComparison.Ordinal))
        {
            throw new FunctionPackageException(DiagnosticCodes.InstallConflict, $"'{functionDirectory}' already holds {installed.Id} {installed.Version} with different content (function.json sha512 {installed.ManifestSha512}). " +
                "Package versions are immutable: publish a new version, or delete that folder to replace it.");
        }
    }

    private static bool AllDependenciesPresent(InstallReceipt receipt, InstallLayout layout)
        => receipt.Dependencies.All(d =>
            PackagePaths.IsSafeRelativePath(d.Path)
            && File.Exists(Path.Combine(PackagePaths.Combine(layout.PackagesFolder, d.Path), SharedPackagesFolder.MetadataFileName)));

    private static void ExtractFunctionFiles(FunctionPackageArchive archive, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in archive.Entries)
        {
            var isFunctionFile = entry.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)
                || entry.Path == FunctionPackageFormat.ManifestFileName;
            if (!isFunctionFile) continue;
            var target = PackagePaths.Combine(destination, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            archive.ExtractToFile(entry, target);
        }
    }

    private async Task<int> InstallDependenciesAsync(FunctionManifest manifest, FunctionPackageArchive archive, InstallRequest request,
        InstallLayout layout, PackageLimits limits, NuGetPackageFetcher fetcher, StagingArea staging, CancellationToken cancellationToken)
    {
        var packages = new SharedPackagesFolder(layout.PackagesFolder, limits);
        var needed = manifest.Dependencies.Where(d => !packages.IsInstalled(d)).ToList();
        if (needed.Count == 0) return 0;

        var downloads = Path.Combine(staging.Directory, "downloads");
        Directory.CreateDirectory(downloads);
        // Embedded: every dependency in embed mode, the marked ones in reference mode; the rest come from a feed.
        var embedded = needed.Where(d => FunctionPackageFormat.IsEmbedded(manifest, d)).ToHashSet();
        ResolvedSources? sources = null;
        // The zip reader is not thread-safe: copy embedded packages out first, then extract in parallel.
        foreach (var dependency in embedded)
        {
            var entry = archive.Find(FunctionPackageFormat.EmbeddedPackagePath(dependency.Id, dependency.Version))!;
            archive.ExtractToFile(entry, DownloadPath(downloads, dependency));
        }
        if (embedded.Count < needed.Count)
        {
            sources = _sourceResolver.Resolve(request.Sources, request.WorkingDirectory, manifest.Sources);
            if (sources.Sources.Count == 0)
            {
                throw new FunctionPackageException(DiagnosticCodes.NoSources, $"{manifest.Id} references {needed.Count - embedded.Count} package(s) but no source is configured and the manifest has no sources hint. Pass --source <feed>.");
            }
        }

        var started = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.MaxParallelDownloads), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(needed, options, async (dependency, ct) =>
        {
            var file = DownloadPath(downloads, dependency);
            string origin;
            if (embedded.Contains(dependency))
            {
                origin = $"{Path.GetFileName(archive.FilePath)} (embedded)";
            }
            else
            {
                var n = Interlocked.Increment(ref started);
                _logger.LogInformation("Downloading {Id} {Version} ({N}/{Total})…", dependency.Id, dependency.Version, n, needed.Count);
                origin = await fetcher.DownloadAsync(sources!.Sources, dependency.Id, NuGetVersion.Parse(dependency.Version), file, ct)
                    ?? throw new FunctionPackageException(DiagnosticCodes.DependencyNotFound, $"Dependency {dependency.Id} {dependency.Version} of {manifest.Id} was not found in {sources.Describe()}. " +
                        "Add the feed that has it with --source (or NuGet.config), or rebuild the function with FunctionPackageDependencyMode=embed.");
            }
            var actual = ComputeContentHash(file);
            if (!string.Equals(actual, dependency.Sha512, StringComparison.Ordinal))
            {
                throw new FunctionPackageException(DiagnosticCodes.DependencyHashMismatch, $"Dependency {dependency.Id} {dependency.Version} from {origin} has content hash {actual}, but {manifest.Id} {manifest.Version} pins {dependency.Sha512}. " +
                    "The feed serves a different package under that version: remove or fix it in the feed, or use a feed that has the original.");
            }
            ct.ThrowIfCancellationRequested();
            packages.Install(dependency, file, actual, origin, staging.Directory);
        });
        return needed.Count;
    }

    private static string DownloadPath(string downloads, DependencyDefinition dependency)
        => PackagePaths.CombineNames(downloads, $"{dependency.Id.ToLowerInvariant()}.{dependency.Version.ToLowerInvariant()}.nupkg");

    private static string ComputeContentHash(string nupkgFile)
    {
        using var reader = new PackageArchiveReader(nupkgFile);
        return reader.GetContentHash(CancellationToken.None);
    }

    /// <summary>Renames the staged folder into place; true when a concurrent install already put identical content there.</summary>
    private bool MoveIntoPlace(string staged, string functionDirectory, VerificationResult verification)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(functionDirectory)!);
        try
        {
            Directory.Move(staged, functionDirectory);
            return false;
        }
        catch (IOException) when (Directory.Exists(functionDirectory))
        {
            var winner = InstallReceipt.TryRead(functionDirectory)
                ?? throw new FunctionPackageException(DiagnosticCodes.InstallConflict, $"'{functionDirectory}' exists but has no {InstallLayout.ReceiptFileName}; it was not made by fnpkg install. Delete it and install again.");
            EnsureSameContent(winner, verification, functionDirectory);
            _logger.LogDebug("A concurrent install finished {Directory} first; discarding this copy", functionDirectory);
            return true;
        }
    }

    private async Task<InstallResult> FinishAsync(InstallRequest request, InstallLayout layout, InstallReceipt receipt, string functionDirectory, bool alreadyInstalled, int added)
    {
        string? materialized = null;
        if (request.MaterializeDirectory is not null)
        {
            materialized = Path.GetFullPath(request.MaterializeDirectory, request.WorkingDirectory);
            await Task.Run(() => new Materializer(_logger).Materialize(functionDirectory, layout.PackagesFolder, materialized));
            // The folder runs without the host, on the frameworks the function was built for: say what it needs (never refuse).
            var runtime = FunctionManifestSerializer.Deserialize(File.ReadAllBytes(Path.Combine(functionDirectory, FunctionPackageFormat.ManifestFileName))).Runtime;
            var (needs, satisfied) = _runtimeChecker.DescribeStandaloneNeeds(runtime);
            _logger.Log(satisfied ? LogLevel.Information : LogLevel.Warning, "Materialized {Folder}. {Needs}", materialized, needs);
        }
        return new InstallResult(receipt.Id, receipt.Version, functionDirectory, layout.PackagesFolder, alreadyInstalled, added, materialized);
    }
}
