using System.IO.Compression;
using System.Reflection;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Sources;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Installing.Sources.OciRegistry;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NuGet.Packaging;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Installation;

public sealed record InstallRequest
{
    /// <summary>A .nupkg path, <c>id@version</c>, or <c>oci://registry/repository[:tag][@sha256:digest]</c>.</summary>
    public required string Package { get; init; }
    public required string Root { get; init; }
    /// <summary>Feeds from <c>--source</c>; empty means NuGet.config, then the manifest's hint.</summary>
    public IReadOnlyList<string> Sources { get; init; } = Array.Empty<string>();
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    public string? MaterializeDirectory { get; init; }
    /// <summary>Registries (<c>host[:port]</c>) reached over plain HTTP for an <c>oci://</c> package (<c>--insecure-registry</c>).</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = Array.Empty<string>();
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
    /// <summary>The function package must be signed by a trusted signer (<c>--require-signed</c>); see <see cref="SignaturePolicy"/>.</summary>
    public bool RequireSigned { get; init; }
    /// <summary>SHA-256 fingerprints of trusted signing certificates (<c>--trusted-signer</c>); any one implies <see cref="RequireSigned"/>.</summary>
    public IReadOnlyList<string> TrustedSigners { get; init; } = Array.Empty<string>();
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
/// Installs a function package into an install root: decide once what to do (<see cref="InstallPlan"/>: no-op, repair
/// or full), verify everything before writing, stage privately, fetch and hash-check each pinned dependency into the
/// shared packages folder, write the receipt, then rename into place. Idempotent and safe to run concurrently on one
/// root; an interrupted install leaves only <c>.staging/</c> garbage. Every collaborator is a constructor parameter;
/// <see cref="CreateDefault"/> is the wiring fnpkg uses.
/// </summary>
public sealed class FunctionInstaller
{
    private readonly IPackageSource _source;
    private readonly PackageVerifier _verifier;
    private readonly RuntimeFrameworkChecker _runtimeChecker;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Func<RegistryOptions, OciPackagePuller> _ociPuller;

    /// <summary>
    /// <paramref name="source"/>: where packages come from (<see cref="NuGetFeedSource"/> for NuGet feeds);
    /// <paramref name="clock"/> runs the <see cref="InstallRequest.Timeout"/> deadline.
    /// <paramref name="ociPuller"/> fetches an <c>oci://</c> package with one install's registry options (default: the real registries).
    /// </summary>
    public FunctionInstaller(IPackageSource source, PackageVerifier verifier, RuntimeFrameworkChecker runtimeChecker, TimeProvider clock, ILogger logger,
        Func<RegistryOptions, OciPackagePuller>? ociPuller = null)
    {
        _ociPuller = ociPuller ?? (options => new OciPackagePuller(registry => new RegistryClient(registry, options)));
        _source = source;
        _verifier = verifier;
        _runtimeChecker = runtimeChecker;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>NuGet feeds, the default verifier, this machine's runtimes and the system clock.</summary>
    public static FunctionInstaller CreateDefault(ILogger? logger = null, RuntimeFrameworkChecker? runtimeChecker = null)
    {
        logger ??= NullLogger.Instance;
        return new FunctionInstaller(new NuGetFeedSource(logger), new PackageVerifier(), runtimeChecker ?? new RuntimeFrameworkChecker(), TimeProvider.System, logger);
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

    /// <summary>
    /// The no-op of <see cref="InstallAsync"/> for an id@version already complete in the root, decided and done from the
    /// root alone: no feed, verifier or NuGet.Protocol is created or loaded, so fnpkg can answer it before building its
    /// command line (docs/benchmarks.md, "Start-up and packaging levers"). Null when there is anything more to do: the
    /// package is a file or oci://, --materialize is given, a signature is required, or the root lacks something.
    /// </summary>
    public static InstallResult? TryNoOp(InstallRequest request, ILogger logger)
    {
        if (request.MaterializeDirectory is not null || request.RequireSigned || request.TrustedSigners.Count > 0) return null;
        var argument = PackageArgument.Parse(request.Package, request.WorkingDirectory);
        if (argument.IsFile || argument.IsOci) return null;
        var layout = new InstallLayout(Path.GetFullPath(request.Root, request.WorkingDirectory));
        var plan = Plan(layout, argument.Id!, argument.Version!.ToNormalizedString());
        return plan.Action == InstallAction.NoOp ? NoOp(layout, plan, logger) : null;
    }

    public async Task<InstallResult> InstallAsync(InstallRequest request, CancellationToken cancellationToken = default)
    {
        var layout = new InstallLayout(Path.GetFullPath(request.Root, request.WorkingDirectory));
        var argument = PackageArgument.Parse(request.Package, request.WorkingDirectory);
        // A bad --materialize target fails before anything is installed, not after.
        if (request.MaterializeDirectory is not null)
            Materializer.EnsureTargetIsEmpty(Path.GetFullPath(request.MaterializeDirectory, request.WorkingDirectory));

        // id@version is immutable, so its plan needs only the install root: a complete install is a no-op before any
        // network access (and before NuGet.Protocol is loaded). A file's identity is inside it: it is planned once verified.
        var plan = argument.IsFile || argument.IsOci ? null : Plan(layout, argument.Id!, argument.Version!.ToNormalizedString());
        // The receipt does not say who signed what is installed: a signature required on the command line is checked on the
        // package again. NuGet.config's policy is not read for a no-op (it costs the no-op its speed), as restore does not
        // re-check what its packages folder already holds.
        var signatureOnCommandLine = request.RequireSigned || request.TrustedSigners.Count > 0;
        if (plan is { Action: InstallAction.NoOp } && !signatureOnCommandLine) return await NoOpAsync(request, layout, plan);
        var limits = request.Limits ?? PackageLimits.FromEnvironment();
        using var timeout = new CancellationTokenSource(request.Timeout, _clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        // An oci:// package is pulled on the thread pool while the trust policy and the NuGet sources are read: both are
        // CPU-bound start-up work (NuGet.Configuration, System.Net.Http), and overlapping them is most of what keeps an
        // oci:// install near a folder-feed one (docs/benchmarks.md, oci-install). Nothing is installed before the pull
        // is awaited and the package verified; a policy error cancels the pull and its staging folder goes with it.
        try
        {
            await using var pull = argument.IsOci ? StartOciPull(request, layout, argument, deadline.Token) : null;
            // The trust policy is read (and a bad fingerprint refused) before anything is installed.
            var signatures = new PackageSignatureChecker(SignaturePolicy.Load(request.WorkingDirectory, request.RequireSigned, request.TrustedSigners));
            // Opened on first use: a file or oci:// package whose dependencies are all in the root never loads NuGet.Protocol.
            using var session = new OnFirstUse(() => _source.Open(new PackageSourceOptions
            {
                Requested = request.Sources,
                WorkingDirectory = request.WorkingDirectory,
                RequestTimeout = request.RequestTimeout,
                MaxPackageBytes = limits.MaxTotalBytes,
            }));
            try
            {
                return await InstallCoreAsync(request, layout, argument, plan, limits, session, signatures, pull, deadline.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var waitingOn = session.Waiting;
                throw new FunctionPackageException(DiagnosticCodes.InstallTimedOut,
                    DiagnosticMessages.Format("FPKG5115", argument, request.Timeout.TotalSeconds, (waitingOn.Count > 0 ? $"; still waiting for {string.Join(", ", waitingOn)}" : "")));
            }
        }
        catch (Exception ex) when (LocalFailure.From(ex, layout.Root) is { } local)
        {
            throw local;
        }
    }

    /// <summary>A source session opened when it is first asked for something (thread-safe: dependencies download in parallel).</summary>
    private sealed class OnFirstUse(Func<IPackageSourceSession> open) : IPackageSourceSession
    {
        private readonly Lazy<IPackageSourceSession> _session = new(open, LazyThreadSafetyMode.ExecutionAndPublication);

        public SourceSelection Select(IReadOnlyList<string>? manifestHints) => _session.Value.Select(manifestHints);

        public Task<string?> DownloadAsync(SourceSelection from, string id, string version, string destinationFile, CancellationToken cancellationToken) =>
            _session.Value.DownloadAsync(from, id, version, destinationFile, cancellationToken);

        public IReadOnlyCollection<string> Waiting => _session.IsValueCreated ? _session.Value.Waiting : Array.Empty<string>();

        public void Dispose()
        {
            if (_session.IsValueCreated) _session.Value.Dispose();
        }
    }

    /// <summary>An <c>oci://</c> package being pulled into its own staging folder, started by <see cref="StartOciPull"/>.</summary>
    private sealed class OciPull : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel;

        public OciPull(StagingArea staging, Func<CancellationToken, Task<string>> pull, CancellationToken cancellationToken)
        {
            Staging = staging;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = _cancel.Token;
            Package = Task.Run(() => pull(token), token);
        }

        public StagingArea Staging { get; }

        /// <summary>The pulled .nupkg's path inside <see cref="Staging"/>.</summary>
        public Task<string> Package { get; }

        /// <summary>
        /// Stops a pull that was not awaited (the trust policy or the sources failed first) and waits for it to end before
        /// its folder is removed; the install's own error is the one reported.
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            _cancel.Cancel();
            try { await Package; } catch { /* observed: the install already failed, or already reported this */ }
            Staging.Dispose();
            _cancel.Dispose();
        }
    }

    private OciPull StartOciPull(InstallRequest request, InstallLayout layout, PackageArgument argument, CancellationToken cancellationToken)
    {
        // Pulled into this install's staging folder: a failed pull (or a package that fails verification) leaves nothing.
        var staging = CreateStaging(layout);
        _logger.LogInformation("Pulling {Reference}…", argument);
        var destination = Path.Combine(staging.Directory, "oci");
        return new OciPull(staging, token => _ociPuller(OciPackageArtifact.Options(request.InsecureRegistries, request.RequestTimeout))
            .PullAsync(argument.OciReference!, destination, token), cancellationToken);
    }

    /// <summary>
    /// Fetches the package <see cref="InstallRequest.Package"/> names into <paramref name="destinationFolder"/> without
    /// installing it (<c>fnpkg sbom id@version</c>, <c>sbom oci://… --from-package</c>): id@version from the sources,
    /// <c>oci://</c> from its registry, within the request's timeouts; a file is returned as it is. Not verified: the
    /// caller verifies what it reads. Returns the .nupkg's path.
    /// </summary>
    public async Task<string> FetchAsync(InstallRequest request, string destinationFolder, CancellationToken cancellationToken = default)
    {
        var argument = PackageArgument.Parse(request.Package, request.WorkingDirectory);
        if (argument.IsFile) return argument.FilePath!;
        Directory.CreateDirectory(destinationFolder);
        using var timeout = new CancellationTokenSource(request.Timeout, _clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (argument.IsOci)
            {
                _logger.LogInformation("Pulling {Reference}…", argument);
                return await _ociPuller(OciPackageArtifact.Options(request.InsecureRegistries, request.RequestTimeout)).PullAsync(argument.OciReference!, destinationFolder, deadline.Token);
            }
            using var session = _source.Open(new PackageSourceOptions
            {
                Requested = request.Sources,
                WorkingDirectory = request.WorkingDirectory,
                RequestTimeout = request.RequestTimeout,
                MaxPackageBytes = (request.Limits ?? PackageLimits.FromEnvironment()).MaxTotalBytes,
            });
            return await DownloadFunctionPackageAsync(argument, session, destinationFolder, deadline.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FunctionPackageException(DiagnosticCodes.InstallTimedOut, DiagnosticMessages.Format("FPKG5115", argument, request.Timeout.TotalSeconds, ""));
        }
    }

    /// <summary>The one install decision, from the receipt in <c>functions/&lt;id&gt;/&lt;version&gt;</c> and <c>packages/</c>.</summary>
    private static InstallPlan Plan(InstallLayout layout, string id, string version)
    {
        var functionDirectory = layout.FunctionDirectory(id, version);
        return InstallPlan.Decide(functionDirectory, InstallReceipt.TryRead(functionDirectory),
            path => PackagePaths.IsSafeRelativePath(path)
                && File.Exists(Path.Combine(PackagePaths.Combine(layout.PackagesFolder, path), SharedPackagesFolder.MetadataFileName)));
    }

    /// <summary>
    /// <paramref name="plan"/>: an id@version's (decided before the download); null for a file or an oci:// package, planned
    /// here once verified. <paramref name="pull"/>: the oci:// package's pull, already running (its staging folder is this install's).
    /// </summary>
    private async Task<InstallResult> InstallCoreAsync(InstallRequest request, InstallLayout layout, PackageArgument argument, InstallPlan? plan,
        PackageLimits limits, IPackageSourceSession session, PackageSignatureChecker signatures, OciPull? pull, CancellationToken cancellationToken)
    {
        // The pull's staging folder is this install's (its Dispose is idempotent: the pull's DisposeAsync repeats it).
        StagingArea? staging = pull?.Staging;
        try
        {
            string packagePath;
            if (argument.IsFile)
            {
                packagePath = argument.FilePath!;
            }
            else if (pull is not null)
            {
                packagePath = await pull.Package;
            }
            else
            {
                staging = CreateStaging(layout);
                packagePath = await DownloadFunctionPackageAsync(argument, session, Path.Combine(staging.Directory, "downloads"), cancellationToken);
            }

            using var archive = FunctionPackageArchive.Open(packagePath, limits);
            var verification = _verifier.Verify(archive);
            foreach (var issue in verification.Issues) _logger.LogError("{Message}", issue.Message);
            var manifest = verification.EnsureValid();
            if (argument.Id is not null && (!string.Equals(manifest.Id, argument.Id, StringComparison.OrdinalIgnoreCase)
                || NuGetVersion.Parse(manifest.Version) != argument.Version))
            {
                throw new FunctionPackageException(DiagnosticCodes.IdentityMismatch,
                    DiagnosticMessages.Format("FPKG5007_3", manifest.Id, manifest.Version, argument));
            }
            await signatures.CheckFunctionPackageAsync(packagePath, $"{manifest.Id} {manifest.Version} ({argument})", cancellationToken);
            _runtimeChecker.Check(manifest.Runtime);

            plan ??= Plan(layout, manifest.Id, manifest.Version);
            if (plan.Receipt is not null) EnsureSameContent(plan.Receipt, verification, plan.FunctionDirectory);
            if (plan.Action == InstallAction.NoOp) return await NoOpAsync(request, layout, plan);

            // Everything is verified: from here on we write.
            staging ??= CreateStaging(layout);
            if (plan.Action == InstallAction.Repair)
            {
                _logger.LogInformation("{Id} {Version} is installed; restoring {Count} missing shared package(s)", manifest.Id, manifest.Version, plan.MissingDependencies.Count);
                var restored = await InstallDependenciesAsync(manifest, archive, request, layout, limits, session, staging, signatures, cancellationToken);
                return await FinishAsync(request, layout, plan.Receipt!, plan.FunctionDirectory, alreadyInstalled: true, restored);
            }

            using var stagedFunction = StagedFolder.Create(plan.FunctionDirectory, staging.Directory);
            ExtractFunctionFiles(archive, stagedFunction.Path);
            var added = await InstallDependenciesAsync(manifest, archive, request, layout, limits, session, staging, signatures, cancellationToken);
            var receipt = CreateReceipt(manifest, verification, layout);
            // The receipt is written last, into the staged folder: its presence in functions/ means the install is complete.
            File.WriteAllBytes(Path.Combine(stagedFunction.Path, InstallLayout.ReceiptFileName), receipt.Serialize());
            cancellationToken.ThrowIfCancellationRequested();
            var concurrentWinner = !stagedFunction.Commit(whenTargetExists: () => AcceptConcurrentInstall(plan.FunctionDirectory, verification));
            _logger.LogInformation("Installed {Id} {Version} to {Directory}", manifest.Id, manifest.Version, plan.FunctionDirectory);
            return await FinishAsync(request, layout, receipt, plan.FunctionDirectory, concurrentWinner, added);
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
    private async Task<InstallResult> NoOpAsync(InstallRequest request, InstallLayout layout, InstallPlan plan)
    {
        var done = NoOp(layout, plan, _logger);
        return request.MaterializeDirectory is null ? done
            : await FinishAsync(request, layout, plan.Receipt!, plan.FunctionDirectory, alreadyInstalled: true, added: 0);
    }

    private static InstallResult NoOp(InstallLayout layout, InstallPlan plan, ILogger logger)
    {
        CleanupAbandonedStaging(layout, logger);
        logger.LogInformation("{Id} {Version} is already installed in {Directory}", plan.Receipt!.Id, plan.Receipt.Version, plan.FunctionDirectory);
        return new InstallResult(plan.Receipt.Id, plan.Receipt.Version, plan.FunctionDirectory, layout.PackagesFolder, AlreadyInstalled: true, 0, null);
    }

    private static void CleanupAbandonedStaging(InstallLayout layout, ILogger logger)
    {
        var removed = StagingArea.CleanupAbandoned(layout.StagingFolder);
        if (removed > 0) logger.LogDebug("Removed {Count} abandoned staging folder(s) in {Folder}", removed, layout.StagingFolder);
    }

    private StagingArea CreateStaging(InstallLayout layout)
    {
        Directory.CreateDirectory(layout.Root);
        CleanupAbandonedStaging(layout, _logger);
        return StagingArea.Create(layout.StagingFolder);
    }

    private async Task<string> DownloadFunctionPackageAsync(PackageArgument argument, IPackageSourceSession session, string downloads, CancellationToken cancellationToken)
    {
        var sources = session.Select(manifestHints: null);
        if (sources.IsEmpty)
        {
            throw new FunctionPackageException(DiagnosticCodes.NoSources, DiagnosticMessages.Format("FPKG5106_2", argument));
        }
        Directory.CreateDirectory(downloads);
        var (id, version) = (argument.Id!, argument.Version!.ToNormalizedString());
        var file = PackagePaths.CombineNames(downloads, PackageNames.NupkgFileName(id, version));
        _logger.LogInformation("Downloading {Id} {Version}…", id, version);
        var from = await session.DownloadAsync(sources, id, version, file, cancellationToken);
        if (from is null)
        {
            throw new FunctionPackageException(DiagnosticCodes.FunctionPackageNotFound, DiagnosticMessages.Format("FPKG5102", argument, sources.Describe()));
        }
        return file;
    }

    private static void EnsureSameContent(InstallReceipt installed, VerificationResult verification, string functionDirectory)
    {
        if (!string.Equals(installed.ManifestSha512, verification.ManifestSha512, StringComparison.Ordinal))
        {
            throw new FunctionPackageException(DiagnosticCodes.InstallConflict, DiagnosticMessages.Format("FPKG5107", functionDirectory, installed.Id, installed.Version, installed.ManifestSha512));
        }
    }

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
        InstallLayout layout, PackageLimits limits, IPackageSourceSession session, StagingArea staging, PackageSignatureChecker signatures,
        CancellationToken cancellationToken)
    {
        var packages = new SharedPackagesFolder(layout.PackagesFolder, limits);
        var needed = manifest.Dependencies.Where(d => !packages.IsInstalled(d)).ToList();
        if (needed.Count == 0) return 0;

        var downloads = Path.Combine(staging.Directory, "downloads");
        Directory.CreateDirectory(downloads);
        // Embedded: every dependency in embed mode, the marked ones in reference mode; the rest come from a feed.
        var embedded = needed.Where(d => FunctionPackageFormat.IsEmbedded(manifest, d)).ToHashSet();
        SourceSelection? sources = null;
        // The zip reader is not thread-safe: copy embedded packages out first, then extract in parallel.
        foreach (var dependency in embedded)
        {
            var entry = archive.Find(PackageNames.EmbeddedPackagePath(dependency.Id, dependency.Version))!;
            archive.ExtractToFile(entry, DownloadPath(downloads, dependency));
        }
        if (embedded.Count < needed.Count)
        {
            sources = session.Select(manifest.Sources);
            if (sources.IsEmpty)
            {
                throw new FunctionPackageException(DiagnosticCodes.NoSources, DiagnosticMessages.Format("FPKG5106_3", manifest.Id, needed.Count - embedded.Count));
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
                origin = await session.DownloadAsync(sources!, dependency.Id, dependency.Version, file, ct)
                    ?? throw new FunctionPackageException(DiagnosticCodes.DependencyNotFound, DiagnosticMessages.Format("FPKG5103", dependency.Id, dependency.Version, manifest.Id, sources!.Describe()));
            }
            var actual = ComputeContentHash(file);
            if (!string.Equals(actual, dependency.Sha512, StringComparison.Ordinal))
            {
                throw new FunctionPackageException(DiagnosticCodes.DependencyHashMismatch, DiagnosticMessages.Format("FPKG5104", dependency.Id, dependency.Version, origin, actual, manifest.Id, manifest.Version, dependency.Sha512));
            }
            await signatures.CheckDependencyAsync(file, $"{dependency.Id} {dependency.Version} (a dependency of {manifest.Id} {manifest.Version}, from {origin})", ct);
            ct.ThrowIfCancellationRequested();
            packages.Install(dependency, file, actual, origin, staging.Directory);
        });
        return needed.Count;
    }

    private static string DownloadPath(string downloads, DependencyDefinition dependency)
        => PackagePaths.CombineNames(downloads, PackageNames.NupkgFileName(dependency.Id, dependency.Version));

    private static string ComputeContentHash(string nupkgFile)
    {
        using var reader = new PackageArchiveReader(nupkgFile);
        return reader.GetContentHash(CancellationToken.None);
    }

    /// <summary>The function folder appeared while this install ran: a concurrent install of the same content wins (true); anything else is FPKG5107.</summary>
    private bool AcceptConcurrentInstall(string functionDirectory, VerificationResult verification)
    {
        var winner = InstallReceipt.TryRead(functionDirectory)
            ?? throw new FunctionPackageException(DiagnosticCodes.InstallConflict, DiagnosticMessages.Format("FPKG5107_2", functionDirectory, InstallLayout.ReceiptFileName));
        EnsureSameContent(winner, verification, functionDirectory);
        _logger.LogDebug("A concurrent install finished {Directory} first; discarding this copy", functionDirectory);
        return true;
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
