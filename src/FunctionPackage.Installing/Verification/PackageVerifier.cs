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
            Add(DiagnosticCodes.ManifestMissing, $"{name}: no {FunctionPackageFormat.ManifestFileName} at the package root. Build it with the FunctionPackage SDK.");
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

    /// <summary>A valid NuGet package id, exactly as NuGet checks it (and no trailing newline, which the regex's <c>$</c> lets through).</summary>
    public static bool IsValidId(string? id)
        => !string.IsNullOrEmpty(id) && id.Length <= PackageIdValidator.MaxPackageIdLength && !id.Contains('\n') && PackageIdValidator.IsValidPackageId(id);

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
                add(DiagnosticCodes.NuspecMissing, $"{name}: no .nuspec at the package root, so this is not a NuGet package. Build it with the FunctionPackage SDK.");
            }
            else if (!nuspec.GetPackageTypes().Any(t => string.Equals(t.Name, FunctionPackageFormat.PackageType, StringComparison.OrdinalIgnoreCase)))
            {
                add(DiagnosticCodes.PackageTypeMissing,
                    $"{name}: the nuspec has no package type '{FunctionPackageFormat.PackageType}', so this is not a function package. Build it with the FunctionPackage SDK.");
            }
            return nuspec;
        }
        catch (FunctionPackageException ex)
        {
            add(ex.Code, MessageOf(ex));
        }
        catch (Exception ex) when (IsNuspecError(ex))
        {
            add(DiagnosticCodes.NuspecUnreadable, $"{name}: the .nuspec cannot be read ({ex.Message}). Rebuild the package with the FunctionPackage SDK.");
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
            add(DiagnosticCodes.ManifestInvalid, $"{name}: function.json is not valid JSON: {ex.Message} Rebuild the package.");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (ManifestShape.CheckMember(root, "schemaVersion") is { } badSchema)
            {
                add(DiagnosticCodes.ManifestMemberInvalid, $"{name}: function.json {badSchema}; format v1 requires \"schemaVersion\": {FunctionPackageFormat.SchemaVersion}. Rebuild the package with the FunctionPackage SDK.");
                return null;
            }
            var schemaVersion = root.GetProperty("schemaVersion").GetInt32();
            if (schemaVersion != FunctionPackageFormat.SchemaVersion)
            {
                add(DiagnosticCodes.UnsupportedSchemaVersion,
                    $"{name}: function.json schemaVersion {schemaVersion} is not supported; this fnpkg reads schemaVersion {FunctionPackageFormat.SchemaVersion}. Update fnpkg or rebuild the package with a matching SDK.");
                return null;
            }
            if (ManifestShape.CheckMember(root, "profile") is { } badProfile)
            {
                add(DiagnosticCodes.ManifestMemberInvalid, $"{name}: function.json {badProfile}; format v1 requires \"profile\": \"{FunctionPackageFormat.DotNetProfile}\". Rebuild the package with the FunctionPackage SDK.");
                return null;
            }
            var profile = root.GetProperty("profile").GetString();
            if (!string.Equals(profile, FunctionPackageFormat.DotNetProfile, StringComparison.Ordinal))
            {
                add(DiagnosticCodes.UnsupportedProfile,
                    $"{name}: function.json profile '{profile}' is not supported; fnpkg runs profile '{FunctionPackageFormat.DotNetProfile}'. Use the installer for that profile.");
                return null;
            }
            var problems = ManifestShape.Check(root);
            foreach (var problem in problems)
            {
                add(DiagnosticCodes.ManifestMemberInvalid, $"{name}: function.json {problem}. The manifest was edited or made by another tool; rebuild the package with the FunctionPackage SDK.");
            }
            if (problems.Count > 0) return null;
        }
        try
        {
            return FunctionManifestSerializer.Deserialize(bytes);
        }
        catch (FormatException ex)
        {
            add(DiagnosticCodes.ManifestInvalid, $"{name}: {ex.Message} Rebuild the package.");
            return null;
        }
    }

    private static void CheckManifestFields(FunctionManifest manifest, string name, Action<string, string> add)
    {
        if (manifest.DependencyMode is not (FunctionPackageFormat.ReferenceMode or FunctionPackageFormat.EmbedMode))
        {
            add(DiagnosticCodes.ManifestInvalid, $"{name}: dependencyMode '{manifest.DependencyMode}' is neither 'reference' nor 'embed'. Rebuild the package.");
        }
        if (!IsValidId(manifest.Id) || !IsValidVersion(manifest.Version))
        {
            add(DiagnosticCodes.InvalidPackageIdentity,
                $"{name}: function.json id '{manifest.Id}' / version '{manifest.Version}' is not a valid NuGet package id and version. Do not install it; rebuild the package with a valid FunctionPackageId.");
        }
        if (string.IsNullOrWhiteSpace(manifest.EntryPoint.Type) || string.IsNullOrWhiteSpace(manifest.EntryPoint.Method))
        {
            add(DiagnosticCodes.ManifestInvalid, $"{name}: function.json entryPoint has no type or method. Set FunctionEntryPoint and rebuild.");
        }
        foreach (var framework in manifest.Runtime.Frameworks)
        {
            if (!IsValidId(framework.Name) || !IsValidVersion(framework.Version))
            {
                add(DiagnosticCodes.ManifestInvalid, $"{name}: runtime framework '{framework.Name}' '{framework.Version}' is not a framework name and version. Rebuild the package.");
            }
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var dependency in manifest.Dependencies)
        {
            if (!IsValidId(dependency.Id) || !IsValidVersion(dependency.Version))
            {
                add(DiagnosticCodes.InvalidPackageIdentity,
                    $"{name}: dependency '{dependency.Id}' version '{dependency.Version}' is not a valid NuGet package id and version. Do not install it; rebuild the package.");
                continue;
            }
            if (!seen.Add(dependency.Id))
            {
                add(DiagnosticCodes.ManifestInvalid, $"{name}: dependency '{dependency.Id}' is listed twice; the closure must be flat with one version per id. Rebuild the package.");
            }
            var expectedPath = PackageNames.FolderPath(dependency.Id, dependency.Version);
            if (!string.Equals(dependency.Path, expectedPath, StringComparison.Ordinal))
            {
                add(DiagnosticCodes.InvalidManifestPath, $"{name}: dependency {dependency.Id} {dependency.Version} has path '{dependency.Path}', expected '{expectedPath}'. The manifest was edited; rebuild the package.");
            }
            if (string.IsNullOrWhiteSpace(dependency.Sha512))
            {
                add(DiagnosticCodes.ManifestInvalid, $"{name}: dependency {dependency.Id} {dependency.Version} has no sha512 content hash. Rebuild the package.");
            }
            foreach (var asset in dependency.Assets)
            {
                if (!PackagePaths.IsSafeRelativePath(asset.PathInPackage) || !PackagePaths.IsSafeRelativePath(asset.Destination))
                {
                    add(DiagnosticCodes.InvalidManifestPath,
                        $"{name}: asset '{asset.PathInPackage}' -> '{asset.Destination}' of {dependency.Id} is not a safe relative path. The manifest was edited or crafted; do not install it.");
                }
                else if ((PackagePaths.LengthProblem(asset.PathInPackage) ?? PackagePaths.LengthProblem(asset.Destination)) is { } tooLong)
                {
                    add(DiagnosticCodes.UnextractableEntry,
                        $"{name}: asset '{asset.PathInPackage}' -> '{asset.Destination}' of {dependency.Id} {tooLong}, so no file system can hold it. Rebuild the package.");
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
            add(DiagnosticCodes.IdentityMismatch, $"{name}: the nuspec id/version cannot be read ({ex.Message}). Rebuild the package.");
            return;
        }
        if (!IsValidId(nuspecId) || nuspecVersion is null)
        {
            add(DiagnosticCodes.InvalidPackageIdentity, $"{name}: the nuspec id '{nuspecId}' / version '{nuspecVersion}' is not a valid NuGet package id and version. Do not install it; rebuild the package.");
            return;
        }
        var sameVersion = NuGetVersion.TryParse(manifest.Version, out var manifestVersion) && manifestVersion == nuspecVersion;
        if (!string.Equals(nuspecId, manifest.Id, StringComparison.OrdinalIgnoreCase) || !sameVersion)
        {
            add(DiagnosticCodes.IdentityMismatch,
                $"{name}: function.json says {manifest.Id} {manifest.Version} but the nuspec says {nuspecId} {nuspecVersion.ToNormalizedString()}. One of them was edited; rebuild the package.");
        }
    }

    private static bool IsPayload(string path)
        => path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)
           || path.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal);

    private static void CheckFiles(FunctionPackageArchive archive, FunctionManifest manifest, string name, Action<string, string> add)
    {
        var listed = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!PackagePaths.IsSafeRelativePath(file.Path) || !IsPayload(file.Path))
            {
                add(DiagnosticCodes.InvalidManifestPath, $"{name}: files[] path '{file.Path}' is not a safe path under function/ or packages/. Rebuild the package.");
                continue;
            }
            if (!listed.TryAdd(file.Path, file))
            {
                add(DiagnosticCodes.InvalidManifestPath, $"{name}: files[] lists '{file.Path}' twice. Rebuild the package.");
            }
        }

        foreach (var entry in archive.Entries)
        {
            if (!IsPayload(entry.Path)) continue;
            if (!listed.TryGetValue(entry.Path, out var file))
            {
                add(DiagnosticCodes.UnlistedFile, $"{name}: '{entry.Path}' is in the package but not in function.json files[]. A file was added after packing; rebuild the package.");
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
                add(DiagnosticCodes.FileHashMismatch, $"{name}: '{entry.Path}' does not match its sha512 in function.json. The package was modified after packing; get it again from a trusted source.");
            }
        }
        foreach (var path in listed.Keys)
        {
            if (archive.Find(path) is null)
            {
                add(DiagnosticCodes.MissingFile, $"{name}: function.json lists '{path}' but the package has no such file. Rebuild the package.");
            }
        }

        var entryAssembly = manifest.EntryPoint.Assembly;
        if (!PackagePaths.IsSafeRelativePath(entryAssembly) || archive.Find(FunctionPackageFormat.FunctionFolder + entryAssembly) is null)
        {
            add(DiagnosticCodes.EntryAssemblyMissing, $"{name}: the entry assembly 'function/{entryAssembly}' is not in the package. Rebuild the package; check FunctionEntryPoint.");
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
                    $"{name}: two files map to the publish destination '{destination}' (one is {source}). The manifest is inconsistent; rebuild the package.");
            }
        }
        foreach (var (destination, source) in destinations)
        {
            if (layout.IsFolder(destination))
            {
                add(DiagnosticCodes.InvalidManifestPath,
                    $"{name}: the publish destination '{destination}' ({source}) is a file, but other destinations use it as a folder. The manifest is inconsistent; rebuild the package.");
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
                add(DiagnosticCodes.UnlistedFile, $"{name}: '{entry.Path}' is not the embedded package of any dependency (dependencyMode '{manifest.DependencyMode}'). Rebuild the package.");
            }
        }
        foreach (var (path, dependency) in expected)
        {
            var entry = archive.Find(path);
            if (entry is null)
            {
                add(DiagnosticCodes.EmbeddedPackageMissing, $"{name}: '{path}', the embedded package of {dependency.Id} {dependency.Version}, is missing. Rebuild the package.");
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
                    $"{name}: embedded '{path}' has content hash {actual}, function.json pins {dependency.Sha512}. The embedded package was replaced; get the function package again from a trusted source.");
            }
            else if (MissingAsset(dependency, files.Contains) is { } missing)
            {
                add(DiagnosticCodes.AssetNotInDependency, $"{name}: {missing}");
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
        return asset is null ? null
            : $"function.json lists the asset '{asset.PathInPackage}' of {dependency.Id} {dependency.Version}, but that package has no such file. " +
              "The manifest does not match its dependency: rebuild the function package.";
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
        => new(DiagnosticCodes.TempSpaceUnavailable, $"Cannot copy '{entry.Path}' ({entry.Length} bytes) to the temp folder '{_tempFolder}' to hash it: {ex.Message}. Free space there or point TMPDIR at a folder with room.", ex);

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
            add(DiagnosticCodes.NuspecDependenciesMismatch, $"{name}: the nuspec dependencies cannot be read ({ex.Message}). Rebuild the package.");
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
                    add(DiagnosticCodes.InvalidPackageIdentity, $"{name}: nuspec dependency id '{dependency.Id}' is not a valid NuGet package id. Do not install it; rebuild the package.");
                    continue;
                }
                var range = dependency.VersionRange;
                var exact = range.HasLowerAndUpperBounds && range.IsMinInclusive && range.IsMaxInclusive && range.MinVersion == range.MaxVersion;
                if (!exact)
                {
                    add(DiagnosticCodes.NuspecDependenciesMismatch, $"{name}: nuspec dependency {dependency.Id} {range} is not an exact [x.y.z] version. Rebuild the package.");
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
                    $"{name}: nuspec dependencies ({group.TargetFramework.GetShortFolderName()}) differ from function.json dependencies " +
                    $"(only in manifest: [{string.Join(", ", missing)}]; only in nuspec: [{string.Join(", ", extra)}]). One was edited; rebuild the package.");
            }
        }
    }
}
