using System.Text.Json;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Verification;

/// <summary>
/// Checks a function package against format v1 without writing anything (but a self-deleting temp copy of each
/// embedded package, to hash it): limits, structure, manifest, every file hash, embedded dependency content hashes and
/// the nuspec dependency list. Collects every problem instead of stopping at the first; stops early only when what
/// follows cannot be read safely (over a limit, no readable manifest).
/// </summary>
public sealed class PackageVerifier
{
    private readonly PackageLimits? _limits;
    private readonly string _tempFolder;

    /// <param name="limits">Default: <see cref="PackageLimits.FromEnvironment"/>.</param>
    /// <param name="tempFolder">Where an embedded package is spooled to hash it; default the temp folder (<c>TMPDIR</c>).</param>
    public PackageVerifier(PackageLimits? limits = null, string? tempFolder = null)
    {
        _limits = limits;
        _tempFolder = tempFolder ?? Path.GetTempPath();
    }

    public VerificationResult Verify(string packagePath)
    {
        using var archive = FunctionPackageArchive.Open(packagePath, _limits);
        return Verify(archive);
    }

    public VerificationResult Verify(FunctionPackageArchive archive)
    {
        var issues = new List<VerificationIssue>();
        void Add(string code, string message) => issues.Add(new VerificationIssue(code, message));
        var name = Path.GetFileName(archive.FilePath);

        foreach (var (code, message) in archive.LimitProblems) Add(code, message);
        if (issues.Count > 0) return Result(archive, null, null, issues); // nothing is inflated from an oversized package
        foreach (var (code, message) in archive.PathProblems) Add(code, message);

        var nuspec = ReadNuspec(archive, name, Add);

        byte[]? manifestBytes;
        try
        {
            manifestBytes = archive.ReadManifestBytes();
        }
        catch (FunctionPackageException ex)
        {
            Add(ex.Code, MessageOf(ex));
            return Result(archive, null, null, issues);
        }
        if (manifestBytes is null)
        {
            Add(DiagnosticCodes.ManifestMissing, DiagnosticMessages.Format("FPKG5002", name, FunctionPackageFormat.ManifestFileName));
            return Result(archive, null, null, issues);
        }
        var manifestSha512 = ContentHash.Sha512(manifestBytes);
        var manifest = ReadManifest(manifestBytes, name, Add);
        if (manifest is null) return Result(archive, null, manifestSha512, issues);

        CheckManifestFields(manifest, name, Add);
        CheckIdentity(manifest, nuspec, name, Add);
        CheckFiles(archive, manifest, name, Add);
        CheckDestinations(archive, manifest, name, Add);
        CheckEmbedded(archive, manifest, name, Add);
        if (nuspec is not null) CheckNuspecDependencies(manifest, nuspec, name, Add);

        return Result(archive, manifest, manifestSha512, issues);
    }

    private static VerificationResult Result(FunctionPackageArchive archive, FunctionManifest? manifest, string? sha, List<VerificationIssue> issues)
        => new() { PackagePath = archive.FilePath, Manifest = manifest, ManifestSha512 = sha, Issues = issues };

    /// <summary>The message of a coded exception without its "FPKG####: " prefix (issues carry the code separately).</summary>
    private static string MessageOf(FunctionPackageException ex) => ex.Message.StartsWith(ex.Code + ": ", StringComparison.Ordinal) ? ex.Message[(ex.Code.Length + 2)..] : ex.Message;

    /// <summary>A valid NuGet package id (<see cref="FunctionPackageFormat.IsValidPackageId"/>).</summary>
    public static bool IsValidId(string? id) => FunctionPackageFormat.IsValidPackageId(id);

    /// <summary>A NuGet version, written without surrounding white space (it becomes a folder name).</summary>
    public static bool IsValidVersion(string? version)
        => !string.IsNullOrEmpty(version) && version.Trim().Length == version.Length && NuGetVersion.TryParse(version, out _);

    private static NuspecReader? ReadNuspec(FunctionPackageArchive archive, string name, Action<string, string> add)
    {
        try
        {
            var nuspec = archive.ReadNuspec();
            if (nuspec is null)
            {
                add(DiagnosticCodes.NuspecMissing, DiagnosticMessages.Format("FPKG5211", name));
            }
            else if (!nuspec.GetPackageTypes().Any(t => string.Equals(t.Name, FunctionPackageFormat.PackageType, StringComparison.OrdinalIgnoreCase)))
            {
                add(DiagnosticCodes.PackageTypeMissing,
                    DiagnosticMessages.Format("FPKG5004", name, FunctionPackageFormat.PackageType));
            }
            return nuspec;
        }
        catch (FunctionPackageException ex)
        {
            add(ex.Code, MessageOf(ex));
        }
        catch (Exception ex) when (IsNuspecError(ex))
        {
            add(DiagnosticCodes.NuspecUnreadable, DiagnosticMessages.Format("FPKG5212", name, ex.Message));
        }
        return null;
    }

    /// <summary>What NuGet's nuspec reader throws for a malformed nuspec (bad XML, bad version or range, missing element).</summary>
    private static bool IsNuspecError(Exception ex)
        => ex is System.Xml.XmlException or PackagingException or InvalidDataException or ArgumentException or FormatException or InvalidOperationException;

    /// <summary>
    /// Parses function.json: JSON first (FPKG5003), then <c>schemaVersion</c> (FPKG5005) and <c>profile</c> (FPKG5006), whose
    /// absence is an error, not a default; then the v1 shape (FPKG5018); only then is it bound to the model.
    /// </summary>
    public static FunctionManifest? ReadManifest(byte[] bytes, string name, Action<string, string> add)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003", name, ex.Message));
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (ManifestShape.CheckMember(root, "schemaVersion") is { } badSchema)
            {
                add(DiagnosticCodes.ManifestMemberInvalid, DiagnosticMessages.Format("FPKG5018", name, badSchema, FunctionPackageFormat.SchemaVersion));
                return null;
            }
            var schemaVersion = root.GetProperty("schemaVersion").GetInt32();
            if (schemaVersion != FunctionPackageFormat.SchemaVersion)
            {
                add(DiagnosticCodes.UnsupportedSchemaVersion,
                    DiagnosticMessages.Format("FPKG5005", name, schemaVersion, FunctionPackageFormat.SchemaVersion));
                return null;
            }
            if (ManifestShape.CheckMember(root, "profile") is { } badProfile)
            {
                add(DiagnosticCodes.ManifestMemberInvalid, DiagnosticMessages.Format("FPKG5018_2", name, badProfile, FunctionPackageFormat.DotNetProfile));
                return null;
            }
            var profile = root.GetProperty("profile").GetString();
            if (!string.Equals(profile, FunctionPackageFormat.DotNetProfile, StringComparison.Ordinal))
            {
                add(DiagnosticCodes.UnsupportedProfile,
                    DiagnosticMessages.Format("FPKG5006", name, profile, FunctionPackageFormat.DotNetProfile));
                return null;
            }
            var problems = ManifestShape.Check(root);
            foreach (var problem in problems)
            {
                add(DiagnosticCodes.ManifestMemberInvalid, DiagnosticMessages.Format("FPKG5018_3", name, problem));
            }
            if (problems.Count > 0) return null;
        }
        try
        {
            return FunctionManifestSerializer.Deserialize(bytes);
        }
        catch (FormatException ex)
        {
            add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_2", name, ex.Message));
            return null;
        }
    }

    private static void CheckManifestFields(FunctionManifest manifest, string name, Action<string, string> add)
    {
        if (manifest.DependencyMode is not (FunctionPackageFormat.ReferenceMode or FunctionPackageFormat.EmbedMode))
        {
            add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_3", name, manifest.DependencyMode));
        }
        if (!IsValidId(manifest.Id) || !IsValidVersion(manifest.Version))
        {
            add(DiagnosticCodes.InvalidPackageIdentity,
                DiagnosticMessages.Format("FPKG5019", name, manifest.Id, manifest.Version));
        }
        if (string.IsNullOrWhiteSpace(manifest.EntryPoint.Type) || string.IsNullOrWhiteSpace(manifest.EntryPoint.Method))
        {
            add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_4", name));
        }
        foreach (var framework in manifest.Runtime.Frameworks)
        {
            if (!IsValidId(framework.Name) || !IsValidVersion(framework.Version))
            {
                add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_5", name, framework.Name, framework.Version));
            }
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var dependency in manifest.Dependencies)
        {
            if (!IsValidId(dependency.Id) || !IsValidVersion(dependency.Version))
            {
                add(DiagnosticCodes.InvalidPackageIdentity,
                    DiagnosticMessages.Format("FPKG5019_2", name, dependency.Id, dependency.Version));
                continue;
            }
            if (!seen.Add(dependency.Id))
            {
                add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_6", name, dependency.Id));
            }
            var expectedPath = PackageNames.FolderPath(dependency.Id, dependency.Version);
            if (!string.Equals(dependency.Path, expectedPath, StringComparison.Ordinal))
            {
                add(DiagnosticCodes.InvalidManifestPath, DiagnosticMessages.Format("FPKG5016", name, dependency.Id, dependency.Version, dependency.Path, expectedPath));
            }
            if (string.IsNullOrWhiteSpace(dependency.Sha512))
            {
                add(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_7", name, dependency.Id, dependency.Version));
            }
            foreach (var asset in dependency.Assets)
            {
                if (!PackagePaths.IsSafeRelativePath(asset.PathInPackage) || !PackagePaths.IsSafeRelativePath(asset.Destination))
                {
                    add(DiagnosticCodes.InvalidManifestPath,
                        DiagnosticMessages.Format("FPKG5016_2", name, asset.PathInPackage, asset.Destination, dependency.Id));
                }
                else if ((PackagePaths.LengthProblem(asset.PathInPackage) ?? PackagePaths.LengthProblem(asset.Destination)) is { } tooLong)
                {
                    add(DiagnosticCodes.UnextractableEntry,
                        DiagnosticMessages.Format("FPKG5026", name, asset.PathInPackage, asset.Destination, dependency.Id, tooLong));
                }
            }
        }
    }

    private static void CheckIdentity(FunctionManifest manifest, NuspecReader? nuspec, string name, Action<string, string> add)
    {
        if (nuspec is null) return;
        string? nuspecId;
        NuGetVersion? nuspecVersion;
        try
        {
            nuspecId = nuspec.GetId();
            nuspecVersion = nuspec.GetVersion();
        }
        catch (Exception ex) when (IsNuspecError(ex))
        {
            add(DiagnosticCodes.IdentityMismatch, DiagnosticMessages.Format("FPKG5007", name, ex.Message));
            return;
        }
        if (!IsValidId(nuspecId) || nuspecVersion is null)
        {
            add(DiagnosticCodes.InvalidPackageIdentity, DiagnosticMessages.Format("FPKG5019_3", name, nuspecId, nuspecVersion));
            return;
        }
        var sameVersion = NuGetVersion.TryParse(manifest.Version, out var manifestVersion) && manifestVersion == nuspecVersion;
        if (!string.Equals(nuspecId, manifest.Id, StringComparison.OrdinalIgnoreCase) || !sameVersion)
        {
            add(DiagnosticCodes.IdentityMismatch,
                DiagnosticMessages.Format("FPKG5007_2", name, manifest.Id, manifest.Version, nuspecId, nuspecVersion.ToNormalizedString()));
        }
    }

    private static bool IsPayload(string path)
        => path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)
           || path.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal)
           || path == FunctionPackageFormat.SbomPath;

    private static void CheckFiles(FunctionPackageArchive archive, FunctionManifest manifest, string name, Action<string, string> add)
    {
        var listed = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!PackagePaths.IsSafeRelativePath(file.Path) || !IsPayload(file.Path))
            {
                add(DiagnosticCodes.InvalidManifestPath, DiagnosticMessages.Format("FPKG5016_3", name, file.Path));
                continue;
            }
            if (!listed.TryAdd(file.Path, file))
            {
                add(DiagnosticCodes.InvalidManifestPath, DiagnosticMessages.Format("FPKG5016_4", name, file.Path));
            }
        }

        foreach (var entry in archive.Entries)
        {
            if (!IsPayload(entry.Path)) continue;
            if (!listed.TryGetValue(entry.Path, out var file))
            {
                add(DiagnosticCodes.UnlistedFile, DiagnosticMessages.Format("FPKG5009", name, entry.Path));
                continue;
            }
            string actual;
            try
            {
                using var stream = archive.OpenRead(entry);
                actual = ContentHash.Sha512(stream);
            }
            catch (FunctionPackageException ex)
            {
                add(ex.Code, MessageOf(ex));
                continue;
            }
            if (!string.Equals(actual, file.Sha512, StringComparison.Ordinal))
            {
                add(DiagnosticCodes.FileHashMismatch, DiagnosticMessages.Format("FPKG5011", name, entry.Path));
            }
        }
        foreach (var path in listed.Keys)
        {
            if (archive.Find(path) is null)
            {
                add(DiagnosticCodes.MissingFile, DiagnosticMessages.Format("FPKG5010", name, path));
            }
        }

        var entryAssembly = manifest.EntryPoint.Assembly;
        if (!PackagePaths.IsSafeRelativePath(entryAssembly) || archive.Find(FunctionPackageFormat.FunctionFolder + entryAssembly) is null)
        {
            add(DiagnosticCodes.EntryAssemblyMissing, DiagnosticMessages.Format("FPKG5012", name, entryAssembly));
        }
    }

    /// <summary>
    /// The publish layout (<c>function/*</c> plus every asset at its <c>destination</c>) must be writable: no two files at
    /// one destination (ignoring case) and no file where another needs a folder. Found here, not by --materialize after installing.
    /// </summary>
    private static void CheckDestinations(FunctionPackageArchive archive, FunctionManifest manifest, string name, Action<string, string> add)
    {
        var destinations = new List<(string Destination, string Source)>();
        foreach (var entry in archive.Entries)
        {
            if (entry.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal))
                destinations.Add((entry.Path[FunctionPackageFormat.FunctionFolder.Length..], entry.Path));
        }
        foreach (var dependency in manifest.Dependencies)
        {
            foreach (var asset in dependency.Assets)
            {
                if (PackagePaths.IsSafeRelativePath(asset.Destination))
                    destinations.Add((asset.Destination, $"{dependency.Id} {dependency.Version} {asset.PathInPackage}"));
            }
        }
        var layout = new PathSet();
        foreach (var (destination, source) in destinations)
        {
            if (!layout.Add(destination))
            {
                add(DiagnosticCodes.InvalidManifestPath,
                    DiagnosticMessages.Format("FPKG5016_5", name, destination, source));
            }
        }
        foreach (var (destination, source) in destinations)
        {
            if (layout.IsFolder(destination))
            {
                add(DiagnosticCodes.InvalidManifestPath,
                    DiagnosticMessages.Format("FPKG5016_6", name, destination, source));
            }
        }
    }

    private void CheckEmbedded(FunctionPackageArchive archive, FunctionManifest manifest, string name, Action<string, string> add)
    {
        var expected = new Dictionary<string, DependencyDefinition>(StringComparer.Ordinal);
        // Every dependency in embed mode; in reference mode only those marked "embedded" (restored from a local-only source).
        // Invalid identities are reported by CheckManifestFields and a duplicate by the "listed twice" check.
        foreach (var dependency in manifest.Dependencies.Where(d => FunctionPackageFormat.IsEmbedded(manifest, d) && IsValidId(d.Id) && IsValidVersion(d.Version)))
            expected.TryAdd(PackageNames.EmbeddedPackagePath(dependency.Id, dependency.Version), dependency);
        foreach (var entry in archive.Entries.Where(e => e.Path.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal)))
        {
            if (!expected.ContainsKey(entry.Path))
            {
                add(DiagnosticCodes.UnlistedFile, DiagnosticMessages.Format("FPKG5009_2", name, entry.Path, manifest.DependencyMode));
            }
        }
        foreach (var (path, dependency) in expected)
        {
            var entry = archive.Find(path);
            if (entry is null)
            {
                add(DiagnosticCodes.EmbeddedPackageMissing, DiagnosticMessages.Format("FPKG5013", name, path, dependency.Id, dependency.Version));
                continue;
            }
            string actual;
            IReadOnlySet<string> files;
            try
            {
                (actual, files) = ReadEmbeddedPackage(archive, entry);
            }
            catch (FunctionPackageException ex)
            {
                add(ex.Code, MessageOf(ex));
                continue;
            }
            if (!string.Equals(actual, dependency.Sha512, StringComparison.Ordinal))
            {
                add(DiagnosticCodes.EmbeddedPackageHashMismatch,
                    DiagnosticMessages.Format("FPKG5014", name, path, actual, dependency.Sha512));
            }
            else if (MissingAsset(dependency, files.Contains) is { } missing)
            {
                add(DiagnosticCodes.AssetNotInDependency, DiagnosticMessages.Format("FPKG5029_2", name, missing));
            }
        }
    }

    /// <summary>
    /// The message for the first asset of <paramref name="dependency"/> whose <c>pathInPackage</c> the package does not
    /// have (FPKG5029), or null. Checked on embedded packages by verify and on every dependency before it is extracted.
    /// </summary>
    public static string? MissingAsset(DependencyDefinition dependency, Func<string, bool> packageHasFile)
    {
        var asset = dependency.Assets.FirstOrDefault(a => !packageHasFile(a.PathInPackage));
        return asset is null ? null : DiagnosticMessages.Format("FPKG5029", asset.PathInPackage, dependency.Id, dependency.Version);
    }

    /// <summary>
    /// NuGet's content hash and the file list of an embedded .nupkg. The hash needs a seekable stream (a signed package's
    /// hash excludes its signature), so the entry is streamed, bounded, into a temp file that deletes itself: memory stays
    /// flat whatever its size.
    /// </summary>
    private (string ContentHash, IReadOnlySet<string> Files) ReadEmbeddedPackage(FunctionPackageArchive archive, ArchiveEntry entry)
    {
        FileStream spool;
        try
        {
            spool = new FileStream(Path.Combine(_tempFolder, "fnpkg-verify-" + Path.GetRandomFileName()), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw TempUnavailable(entry, ex);
        }
        using (spool)
        {
            using (var source = archive.OpenRead(entry))
            {
                try
                {
                    source.CopyTo(spool);
                }
                catch (IOException ex)
                {
                    throw TempUnavailable(entry, ex);
                }
            }
            spool.Position = 0;
            try
            {
                using var reader = new PackageArchiveReader(spool, leaveStreamOpen: true);
                return (reader.GetContentHash(CancellationToken.None), reader.GetFiles().ToHashSet(StringComparer.Ordinal));
            }
            catch (Exception ex) when (ex is InvalidDataException or PackagingException)
            {
                return ($"(unreadable: {ex.Message})", new HashSet<string>());
            }
        }
    }

    private FunctionPackageException TempUnavailable(ArchiveEntry entry, Exception ex)
        => new(DiagnosticCodes.TempSpaceUnavailable, DiagnosticMessages.Format("FPKG5028", entry.Path, entry.Length, _tempFolder, ex.Message), ex);

    private static void CheckNuspecDependencies(FunctionManifest manifest, NuspecReader nuspec, string name, Action<string, string> add)
    {
        var expected = manifest.Dependencies
            .Where(d => IsValidId(d.Id) && IsValidVersion(d.Version))
            .Select(d => PackageNames.FolderPath(d.Id, d.Version))
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        List<PackageDependencyGroup> groups;
        try
        {
            groups = nuspec.GetDependencyGroups().ToList();
        }
        catch (Exception ex) when (IsNuspecError(ex))
        {
            add(DiagnosticCodes.NuspecDependenciesMismatch, DiagnosticMessages.Format("FPKG5015", name, ex.Message));
            return;
        }
        if (groups.Count == 0 && expected.Count == 0) return;
        if (groups.Count == 0) groups.Add(new PackageDependencyGroup(NuGet.Frameworks.NuGetFramework.AnyFramework, Array.Empty<PackageDependency>()));
        foreach (var group in groups)
        {
            var actual = new List<string>();
            foreach (var dependency in group.Packages)
            {
                if (!IsValidId(dependency.Id))
                {
                    add(DiagnosticCodes.InvalidPackageIdentity, DiagnosticMessages.Format("FPKG5019_4", name, dependency.Id));
                    continue;
                }
                var range = dependency.VersionRange;
                var exact = range.HasLowerAndUpperBounds && range.IsMinInclusive && range.IsMaxInclusive && range.MinVersion == range.MaxVersion;
                if (!exact)
                {
                    add(DiagnosticCodes.NuspecDependenciesMismatch, DiagnosticMessages.Format("FPKG5015_2", name, dependency.Id, range));
                    continue;
                }
                actual.Add(PackageNames.FolderPath(dependency.Id, range.MinVersion!.ToNormalizedString()));
            }
            actual.Sort(StringComparer.Ordinal);
            if (!actual.SequenceEqual(expected, StringComparer.Ordinal))
            {
                var missing = expected.Except(actual).ToList();
                var extra = actual.Except(expected).ToList();
                add(DiagnosticCodes.NuspecDependenciesMismatch,
                    DiagnosticMessages.Format("FPKG5015_3", name, group.TargetFramework.GetShortFolderName(), string.Join(", ", missing), string.Join(", ", extra)));
            }
        }
    }
}
