using System.Text.Json;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;
using NuGet.Versioning;
using FunctionPackage.Shared;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// What was packaged, for the build log and MSBuild outputs. <c>LocalDependencies</c>: in reference mode, the
/// dependencies embedded because restore took them from a local-only source. <c>StrippedSources</c>: recorded
/// sources whose user info or query string was left out (shown without it). <c>SizeBudgetWarning</c>: the FPKG2050
/// message when the closure is over <c>FunctionPackageMaxSize</c> (a warning; as an error nothing is written).
/// </summary>
public sealed record FunctionPackageResult(
    string PackagePath, FunctionManifest Manifest, long PackageSize, bool Rewritten,
    IReadOnlyList<LocalDependency> LocalDependencies, IReadOnlyList<string> StrippedSources, string? SizeBudgetWarning = null);

/// <summary>A dependency restored from <paramref name="Source"/>, a folder (or an unrecorded source) no installer elsewhere can reach.</summary>
public sealed record LocalDependency(string Id, string Version, string Source);

/// <summary>
/// Builds a function package (format v1, docs/package-format.md) from a <see cref="FunctionPackageRequest"/>.
/// Deterministic: the same request gives the same bytes. Writes to a temp file and moves it into place only
/// when the bytes changed, so a no-op publish keeps the old file and its timestamp.
/// </summary>
public sealed class FunctionPackageWriter
{
    private readonly Action<Stream, NupkgContent> _save;

    /// <param name="save">Encodes the .nupkg; <see cref="NupkgWriter.Write"/> unless a test compares another encoder.</param>
    public FunctionPackageWriter(Action<Stream, NupkgContent>? save = null) => _save = save ?? NupkgWriter.Write;

    public FunctionPackageResult Write(FunctionPackageRequest request, CancellationToken cancellationToken = default)
    {
        var mode = ParseMode(request.DependencyMode);
        var (id, version) = ValidateIdentity(request);
        if (request.SelfContained)
            throw new FunctionPackageException(DiagnosticCodes.SelfContainedNotSupported);

        var graph = ResolvedGraph.Read(request.DepsFilePath, request.AssetsFilePath);
        var manifest = new FunctionManifest
        {
            Id = id,
            Version = version.ToNormalizedString(),
            Description = NullIfEmpty(request.Description),
            EntryPoint = new EntryPointDefinition
            {
                Assembly = request.EntryAssembly,
                Type = request.EntryPointType,
                Method = request.EntryPointMethod,
                Shape = NullIfEmpty(request.EntryPointShape),
            },
            Runtime = ReadRuntime(request),
            DependencyMode = mode,
        };
        var strippedSources = new List<string>();
        if (request.RecordSources)
            manifest.Sources = RecordableSources(request.RestoreSources.Concat(graph.Sources), strippedSources);

        // Package files: target path in the package -> source path on disk.
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in request.OwnFiles)
        {
            var relative = NormalizeRelative(file.RelativePath);
            var source = Path.Combine(request.PublishDirectory, relative);
            if (!File.Exists(source))
                throw new FunctionPackageException(DiagnosticCodes.PublishFileMissing, source);
            contents[FunctionPackageFormat.FunctionFolder + relative] = source;
        }

        var assetsByPackage = request.PackageAssets
            .GroupBy(a => Key(a.PackageId, a.PackageVersion), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);

        var localDependencies = new List<LocalDependency>();
        foreach (var package in graph.Packages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dependency = new DependencyDefinition
            {
                Id = package.Id,
                Version = package.Version,
                Sha512 = package.Sha512,
                Path = package.Path,
            };
            if (assetsByPackage.TryGetValue(Key(package.Id, package.Version), out var assets))
            {
                dependency.Assets = assets.Select(a => new AssetDefinition
                {
                    PathInPackage = NormalizeRelative(a.PathInPackage),
                    AssetType = a.AssetType.ToLowerInvariant(),
                    Rid = NullIfEmpty(a.RuntimeIdentifier),
                    Culture = NullIfEmpty(a.Culture),
                    Destination = NormalizeRelative(a.Destination),
                }).ToList();
            }
            manifest.Dependencies.Add(dependency);

            // Reference mode promises an installer can fetch these exact bytes from a feed. A package restore took
            // from a folder (the .NET SDK's library packs, a local feed, a fallback folder) may exist nowhere else,
            // or only with other bytes (FSharp.Core from the SDK vs nuget.org): such a package travels inside.
            if (mode == FunctionPackageFormat.ReferenceMode)
            {
                var source = graph.FindRestoreSource(package);
                if (!FunctionPackageFormat.IsRemoteSource(source))
                {
                    var described = source ?? "(no source recorded in .nupkg.metadata)";
                    if (!request.EmbedLocalDependencies)
                        throw new FunctionPackageException(DiagnosticCodes.LocalDependencyNotEmbedded, $"{package.Id} {package.Version}", described);
                    dependency.Embedded = true;
                    localDependencies.Add(new LocalDependency(package.Id, package.Version, described));
                }
            }

            if (FunctionPackageFormat.IsEmbedded(manifest, dependency))
            {
                var nupkg = graph.FindNupkg(package) ?? throw new FunctionPackageException(
                    DiagnosticCodes.EmbeddedPackageNotFound, $"{package.Id} {package.Version}",
                    $"{package.Path}/{PackageNames.NupkgFileName(package.Id, package.Version)}",
                    string.Join(", ", graph.PackageFolders));
                contents[PackageNames.EmbeddedPackagePath(package.Id, package.Version)] = nupkg;
            }
        }

        // Each file is read once: hashed from the bytes the zip then deflates, up to a memory budget; beyond it, hashed
        // and later deflated from the file.
        var files = new List<NupkgFile>(contents.Count);
        long kept = 0;
        foreach (var entry in contents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = new FileInfo(entry.Value).Length;
            if (kept + length <= InMemoryFilesBudget)
            {
                var (sha512, read) = Hashes.GetFromFiles(entry.Value, new[] { entry.Value }, contents => ContentHash.Sha512(contents[0]));
                var bytes = read[0];
                kept += bytes.Length;
                manifest.Files.Add(new FileEntry { Path = entry.Key, Sha512 = sha512 });
                files.Add(new NupkgFile(entry.Key, Bytes: bytes));
            }
            else
            {
                manifest.Files.Add(new FileEntry { Path = entry.Key, Sha512 = ContentHash.Sha512File(entry.Value) });
                files.Add(new NupkgFile(entry.Key, SourcePath: entry.Value));
            }
        }

        var sizeBudgetWarning = SizeBudget.Enforce(request,
            contents.Where(e => e.Key.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)).Select(e => e.Value));

        // The SBOM describes the manifest's closure and files, then is itself a listed, hashed file.
        // The same manifest so far (its JSON) and graph give the same SBOM: a build node that packages again reuses it.
        var (sbom, sbomSha512) = Sboms.Get(graph.Edges, new[] { FunctionManifestSerializer.Serialize(manifest) }, () =>
        {
            var created = CycloneDxSbom.Create(manifest, graph.Edges);
            return new HashedBytes(created, ContentHash.Sha512(created));
        });
        manifest.Files.Add(new FileEntry { Path = FunctionPackageFormat.SbomPath, Sha512 = sbomSha512 });

        var manifestBytes = FunctionManifestSerializer.Serialize(manifest);
        var content = CreateContent(request, manifest, version, manifestBytes, sbom, files);
        var rewritten = SaveIfChanged(content, request.OutputPath, cancellationToken);
        return new FunctionPackageResult(request.OutputPath, manifest, new FileInfo(request.OutputPath).Length, rewritten, localDependencies, strippedSources, sizeBudgetWarning);
    }

    private static NupkgContent CreateContent(
        FunctionPackageRequest request, FunctionManifest manifest, NuGetVersion version,
        byte[] manifestBytes, byte[] sbom, List<NupkgFile> packageFiles)
    {
        var authors = request.Authors.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var files = new List<NupkgFile>
        {
            new(FunctionPackageFormat.ManifestFileName, Bytes: manifestBytes),
            new(FunctionPackageFormat.SbomPath, Bytes: sbom),
        };
        files.AddRange(packageFiles);
        return new NupkgContent(
            manifest.Id, version,
            // nuspec requires a description; a generated one keeps the package valid.
            manifest.Description ?? $"Function package {manifest.Id}.",
            authors.Count > 0 ? authors : new List<string> { manifest.Id },
            request.TargetFramework,
            // The .NET counterpart of a generated POM with a full flat list: every closure package at an exact version.
            manifest.Dependencies.Select(d => new NupkgDependency(d.Id, NuGetVersion.Parse(d.Version))).ToList(),
            files);
    }

    /// <summary>
    /// Temp file, then move (<see cref="AtomicFile"/>): a failed or cancelled publish never leaves a partial package, and
    /// an unchanged one is not rewritten (its timestamp stays, so incremental builds see no change).
    /// </summary>
    private bool SaveIfChanged(NupkgContent content, string outputPath, CancellationToken cancellationToken)
    {
        try
        {
            return AtomicFile.Write(outputPath, stream => _save(stream, content), isUnchanged: temp => FilesEqual(temp, outputPath), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FunctionPackageException(ex, DiagnosticCodes.PackageWriteFailed, outputPath, ex.Message);
        }
    }

    private static bool FilesEqual(string left, string right)
    {
        var a = new FileInfo(left);
        var b = new FileInfo(right);
        if (a.Length != b.Length) return false;
        return File.ReadAllBytes(left).AsSpan().SequenceEqual(File.ReadAllBytes(right));
    }

    private static RuntimeDefinition ReadRuntime(FunctionPackageRequest request)
    {
        var runtime = new RuntimeDefinition
        {
            Tfm = request.TargetFramework,
            Rid = NullIfEmpty(request.RuntimeIdentifier),
            SelfContained = request.SelfContained,
        };
        var runtimeConfigName = Path.ChangeExtension(request.EntryAssembly, ".runtimeconfig.json");
        var runtimeConfigPath = Path.Combine(request.PublishDirectory, runtimeConfigName);
        if (!File.Exists(runtimeConfigPath)) return runtime;

        using var document = JsonDocument.Parse(File.ReadAllBytes(runtimeConfigPath));
        if (!document.RootElement.TryGetProperty("runtimeOptions", out var options)) return runtime;
        if (options.TryGetProperty("tfm", out var tfm) && tfm.ValueKind == JsonValueKind.String) runtime.Tfm = tfm.GetString()!;
        if (options.TryGetProperty("rollForward", out var rollForward) && rollForward.ValueKind == JsonValueKind.String)
            runtime.RollForward = rollForward.GetString();
        if (options.TryGetProperty("framework", out var single)) AddFramework(runtime, single);
        if (options.TryGetProperty("frameworks", out var several) && several.ValueKind == JsonValueKind.Array)
        {
            foreach (var framework in several.EnumerateArray()) AddFramework(runtime, framework);
        }
        return runtime;
    }

    private static void AddFramework(RuntimeDefinition runtime, JsonElement framework)
    {
        var name = framework.TryGetProperty("name", out var n) ? n.GetString() : null;
        var version = framework.TryGetProperty("version", out var v) ? v.GetString() : null;
        if (!string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(version))
            runtime.Frameworks.Add(new FrameworkDefinition { Name = name!, Version = version! });
    }

    private static string ParseMode(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Equals("Reference", StringComparison.OrdinalIgnoreCase))
            return FunctionPackageFormat.ReferenceMode;
        if (value.Equals("Embed", StringComparison.OrdinalIgnoreCase))
            return FunctionPackageFormat.EmbedMode;
        throw new FunctionPackageException(DiagnosticCodes.InvalidDependencyMode, value);
    }

    private static (string Id, NuGetVersion Version) ValidateIdentity(FunctionPackageRequest request)
    {
        if (!FunctionPackageFormat.IsValidPackageId(request.PackageId))
        {
            var reason = request.PackageId.Length > FunctionPackageFormat.MaxPackageIdLength
                ? $"the id is longer than {FunctionPackageFormat.MaxPackageIdLength} characters" : "the id is not a valid NuGet package id";
            throw new FunctionPackageException(DiagnosticCodes.InvalidPackageIdentity, request.PackageId, request.PackageVersion, reason);
        }
        if (!NuGetVersion.TryParse(request.PackageVersion, out var version))
            throw new FunctionPackageException(DiagnosticCodes.InvalidPackageIdentity, request.PackageId, request.PackageVersion, "the version is not a valid SemVer version");
        return (request.PackageId, version);
    }

    /// <summary>
    /// The sources worth recording: remote feeds only (local folder feeds are machine paths), each without user info,
    /// query string or fragment, where feed credentials and SAS tokens live: a package may be published anywhere.
    /// </summary>
    private static List<string> RecordableSources(IEnumerable<string> sources, List<string> stripped)
    {
        var recorded = new List<string>();
        foreach (var source in sources)
        {
            if (!FunctionPackageFormat.IsRemoteSource(source)) continue;
            var uri = new Uri(source);
            var clean = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
            if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0) stripped.Add(clean);
            recorded.Add(clean);
        }
        return recorded;
    }

    /// <summary>SHA-512 of the package files read in this process, by source path, with the bytes hashed.</summary>
    private static readonly ContentMemo<string, string> Hashes = new(budget: 64L << 20, maxEntries: 4096);

    /// <summary>SBOMs written in this process and their SHA-512, by the graph's edges (a graph is kept while its files' bytes stay), with the manifest's JSON.</summary>
    private static readonly ContentMemo<RuntimeDependencyEdges, HashedBytes> Sboms = new(budget: 16L << 20, maxEntries: 16);

    private sealed record HashedBytes(byte[] Bytes, string Sha512);

    /// <summary>How many bytes of the package's files are held in memory between hashing and zipping.</summary>
    private const long InMemoryFilesBudget = 16L << 20;

    private static string NormalizeRelative(string path) => path.Replace('\\', '/').TrimStart('/');

    private static string Key(string id, string version) => $"{id}/{version}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
