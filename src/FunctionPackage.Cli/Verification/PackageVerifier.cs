using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Packages;
using FunctionPackage.Model;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Verification;

/// <summary>
/// Checks a function package against format v1 without writing anything: structure, manifest, every file hash,
/// embedded dependency content hashes and the nuspec dependency list. Collects every problem instead of stopping at the first.
/// </summary>
public sealed class PackageVerifier
{
    public VerificationResult Verify(string packagePath)
    {
        using var archive = FunctionPackageArchive.Open(packagePath);
        return Verify(archive);
    }

    public VerificationResult Verify(FunctionPackageArchive archive)
    {
        var issues = new List<VerificationIssue>();
        void Add(string code, string message) => issues.Add(new VerificationIssue(code, message));
        var name = Path.GetFileName(archive.FilePath);

        foreach (var (code, message) in archive.PathProblems) Add(code, message);

        NuspecReader? nuspec = null;
        try
        {
            nuspec = archive.ReadNuspec();
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or PackagingException or InvalidDataException)
        {
            Add(CliDiagnosticCodes.PackageTypeMissing, $"{name}: the .nuspec cannot be read ({ex.Message}). Rebuild the package with the FunctionPackage SDK.");
        }
        if (nuspec is not null && !nuspec.GetPackageTypes().Any(t => string.Equals(t.Name, FunctionPackageFormat.PackageType, StringComparison.OrdinalIgnoreCase)))
        {
            Add(CliDiagnosticCodes.PackageTypeMissing,
                $"{name}: the nuspec has no package type '{FunctionPackageFormat.PackageType}', so this is not a function package. Build it with the FunctionPackage SDK.");
        }
        else if (nuspec is null && !issues.Any(i => i.Code == CliDiagnosticCodes.PackageTypeMissing))
        {
            Add(CliDiagnosticCodes.PackageTypeMissing, $"{name}: no .nuspec at the package root, so this is not a NuGet package. Build it with the FunctionPackage SDK.");
        }

        var manifestBytes = archive.ReadManifestBytes();
        if (manifestBytes is null)
        {
            Add(CliDiagnosticCodes.ManifestMissing, $"{name}: no {FunctionPackageFormat.ManifestFileName} at the package root. Build it with the FunctionPackage SDK.");
            return Result(archive, null, null, issues);
        }
        var manifestSha512 = ContentHash.Sha512(manifestBytes);
        FunctionManifest manifest;
        try
        {
            manifest = FunctionManifestSerializer.Deserialize(manifestBytes);
        }
        catch (FormatException ex)
        {
            Add(CliDiagnosticCodes.ManifestInvalid, $"{name}: {ex.Message} Rebuild the package.");
            return Result(archive, null, manifestSha512, issues);
        }

        if (manifest.SchemaVersion != FunctionPackageFormat.SchemaVersion)
        {
            Add(CliDiagnosticCodes.UnsupportedSchemaVersion,
                $"{name}: function.json schemaVersion {manifest.SchemaVersion} is not supported; this fnpkg reads schemaVersion {FunctionPackageFormat.SchemaVersion}. Update fnpkg or rebuild the package with a matching SDK.");
            return Result(archive, manifest, manifestSha512, issues);
        }
        if (!string.Equals(manifest.Profile, FunctionPackageFormat.DotNetProfile, StringComparison.Ordinal))
        {
            Add(CliDiagnosticCodes.UnsupportedProfile,
                $"{name}: function.json profile '{manifest.Profile}' is not supported; fnpkg runs profile '{FunctionPackageFormat.DotNetProfile}'. Use the installer for that profile.");
            return Result(archive, manifest, manifestSha512, issues);
        }

        CheckManifestFields(manifest, name, Add);
        CheckIdentity(manifest, nuspec, name, Add);
        CheckFiles(archive, manifest, name, Add);
        CheckEmbedded(archive, manifest, name, Add);
        if (nuspec is not null) CheckNuspecDependencies(manifest, nuspec, name, Add);

        return Result(archive, manifest, manifestSha512, issues);
    }

    private static VerificationResult Result(FunctionPackageArchive archive, FunctionManifest? manifest, string? sha, List<VerificationIssue> issues)
        => new() { PackagePath = archive.FilePath, Manifest = manifest, ManifestSha512 = sha, Issues = issues };

    private static void CheckManifestFields(FunctionManifest manifest, string name, Action<string, string> add)
    {
        if (manifest.DependencyMode is not (FunctionPackageFormat.ReferenceMode or FunctionPackageFormat.EmbedMode))
        {
            add(CliDiagnosticCodes.ManifestInvalid, $"{name}: dependencyMode '{manifest.DependencyMode}' is neither 'reference' nor 'embed'. Rebuild the package.");
        }
        if (string.IsNullOrWhiteSpace(manifest.Id) || !NuGetVersion.TryParse(manifest.Version, out _))
        {
            add(CliDiagnosticCodes.ManifestInvalid, $"{name}: function.json id '{manifest.Id}' / version '{manifest.Version}' is not a valid package identity. Rebuild the package.");
        }
        if (string.IsNullOrWhiteSpace(manifest.EntryPoint.Type) || string.IsNullOrWhiteSpace(manifest.EntryPoint.Method))
        {
            add(CliDiagnosticCodes.ManifestInvalid, $"{name}: function.json entryPoint has no type or method. Set FunctionEntryPoint and rebuild.");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var dependency in manifest.Dependencies)
        {
            if (!NuGetVersion.TryParse(dependency.Version, out _) || string.IsNullOrWhiteSpace(dependency.Id))
            {
                add(CliDiagnosticCodes.ManifestInvalid, $"{name}: dependency '{dependency.Id}' version '{dependency.Version}' is not a valid package identity. Rebuild the package.");
                continue;
            }
            if (!seen.Add(dependency.Id))
            {
                add(CliDiagnosticCodes.ManifestInvalid, $"{name}: dependency '{dependency.Id}' is listed twice; the closure must be flat with one version per id. Rebuild the package.");
            }
            var expectedPath = FunctionPackageFormat.PackageFolderPath(dependency.Id, dependency.Version);
            if (!string.Equals(dependency.Path, expectedPath, StringComparison.Ordinal))
            {
                add(CliDiagnosticCodes.InvalidManifestPath, $"{name}: dependency {dependency.Id} {dependency.Version} has path '{dependency.Path}', expected '{expectedPath}'. The manifest was edited; rebuild the package.");
            }
            if (string.IsNullOrWhiteSpace(dependency.Sha512))
            {
                add(CliDiagnosticCodes.ManifestInvalid, $"{name}: dependency {dependency.Id} {dependency.Version} has no sha512 content hash. Rebuild the package.");
            }
            foreach (var asset in dependency.Assets)
            {
                if (!PackagePaths.IsSafeRelativePath(asset.PathInPackage) || !PackagePaths.IsSafeRelativePath(asset.Destination))
                {
                    add(CliDiagnosticCodes.InvalidManifestPath,
                        $"{name}: asset '{asset.PathInPackage}' -> '{asset.Destination}' of {dependency.Id} is not a safe relative path. The manifest was edited or crafted; do not install it.");
                }
            }
        }
    }

    private static void CheckIdentity(FunctionManifest manifest, NuspecReader? nuspec, string name, Action<string, string> add)
    {
        if (nuspec is null) return;
        string nuspecId;
        NuGetVersion nuspecVersion;
        try
        {
            nuspecId = nuspec.GetId();
            nuspecVersion = nuspec.GetVersion();
        }
        catch (Exception ex) when (ex is PackagingException or ArgumentException or FormatException)
        {
            add(CliDiagnosticCodes.IdentityMismatch, $"{name}: the nuspec id/version cannot be read ({ex.Message}). Rebuild the package.");
            return;
        }
        var sameVersion = NuGetVersion.TryParse(manifest.Version, out var manifestVersion) && manifestVersion == nuspecVersion;
        if (!string.Equals(nuspecId, manifest.Id, StringComparison.OrdinalIgnoreCase) || !sameVersion)
        {
            add(CliDiagnosticCodes.IdentityMismatch,
                $"{name}: function.json says {manifest.Id} {manifest.Version} but the nuspec says {nuspecId} {nuspecVersion.ToNormalizedString()}. One of them was edited; rebuild the package.");
        }
    }

    private static void CheckFiles(FunctionPackageArchive archive, FunctionManifest manifest, string name, Action<string, string> add)
    {
        var listed = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            var underPayload = file.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)
                || file.Path.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal);
            if (!PackagePaths.IsSafeRelativePath(file.Path) || !underPayload)
            {
                add(CliDiagnosticCodes.InvalidManifestPath, $"{name}: files[] path '{file.Path}' is not a safe path under function/ or packages/. Rebuild the package.");
                continue;
            }
            if (!listed.TryAdd(file.Path, file))
            {
                add(CliDiagnosticCodes.InvalidManifestPath, $"{name}: files[] lists '{file.Path}' twice. Rebuild the package.");
            }
        }

        foreach (var entry in archive.Entries)
        {
            var isPayload = entry.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)
                || entry.Path.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal);
            if (!isPayload) continue;
            if (!listed.TryGetValue(entry.Path, out var file))
            {
                add(CliDiagnosticCodes.UnlistedFile, $"{name}: '{entry.Path}' is in the package but not in function.json files[]. A file was added after packing; rebuild the package.");
                continue;
            }
            string actual;
            using (var stream = archive.OpenRead(entry)) actual = ContentHash.Sha512(stream);
            if (!string.Equals(actual, file.Sha512, StringComparison.Ordinal))
            {
                add(CliDiagnosticCodes.FileHashMismatch, $"{name}: '{entry.Path}' does not match its sha512 in function.json. The package was modified after packing; get it again from a trusted source.");
            }
        }
        foreach (var path in listed.Keys)
        {
            if (archive.Find(path) is null)
            {
                add(CliDiagnosticCodes.MissingFile, $"{name}: function.json lists '{path}' but the package has no such file. Rebuild the package.");
            }
        }

        var entryAssembly = manifest.EntryPoint.Assembly;
        if (!PackagePaths.IsSafeRelativePath(entryAssembly) || archive.Find(FunctionPackageFormat.FunctionFolder + entryAssembly) is null)
        {
            add(CliDiagnosticCodes.EntryAssemblyMissing, $"{name}: the entry assembly 'function/{entryAssembly}' is not in the package. Rebuild the package; check FunctionEntryPoint.");
        }
    }

    private static void CheckEmbedded(FunctionPackageArchive archive, FunctionManifest manifest, string name, Action<string, string> add)
    {
        var embedded = archive.Entries.Where(e => e.Path.StartsWith(FunctionPackageFormat.PackagesFolder, StringComparison.Ordinal)).ToList();
        var expected = manifest.DependencyMode == FunctionPackageFormat.EmbedMode
            ? manifest.Dependencies.ToDictionary(d => FunctionPackageFormat.EmbeddedPackagePath(d.Id, d.Version), StringComparer.Ordinal)
            : new Dictionary<string, DependencyDefinition>(StringComparer.Ordinal);
        foreach (var entry in embedded)
        {
            if (!expected.ContainsKey(entry.Path))
            {
                add(CliDiagnosticCodes.UnlistedFile, $"{name}: '{entry.Path}' is not the embedded package of any dependency (dependencyMode '{manifest.DependencyMode}'). Rebuild the package.");
            }
        }
        foreach (var (path, dependency) in expected)
        {
            var entry = archive.Find(path);
            if (entry is null)
            {
                add(CliDiagnosticCodes.EmbeddedPackageMissing, $"{name}: embed mode but '{path}' for {dependency.Id} {dependency.Version} is missing. Rebuild the package.");
                continue;
            }
            var actual = ComputeContentHash(archive, entry);
            if (!string.Equals(actual, dependency.Sha512, StringComparison.Ordinal))
            {
                add(CliDiagnosticCodes.EmbeddedPackageHashMismatch,
                    $"{name}: embedded '{path}' has content hash {actual}, function.json pins {dependency.Sha512}. The embedded package was replaced; get the function package again from a trusted source.");
            }
        }
    }

    private static string ComputeContentHash(FunctionPackageArchive archive, ArchiveEntry entry)
    {
        using var buffer = new MemoryStream(archive.ReadAllBytes(entry));
        try
        {
            using var reader = new PackageArchiveReader(buffer, leaveStreamOpen: true);
            return reader.GetContentHash(CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidDataException or PackagingException)
        {
            return $"(unreadable: {ex.Message})";
        }
    }

    private static void CheckNuspecDependencies(FunctionManifest manifest, NuspecReader nuspec, string name, Action<string, string> add)
    {
        var expected = manifest.Dependencies
            .Where(d => NuGetVersion.TryParse(d.Version, out _))
            .Select(d => $"{d.Id.ToLowerInvariant()}/{NuGetVersion.Parse(d.Version).ToNormalizedString().ToLowerInvariant()}")
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        var groups = nuspec.GetDependencyGroups().ToList();
        if (groups.Count == 0 && expected.Count == 0) return;
        if (groups.Count == 0) groups.Add(new PackageDependencyGroup(NuGet.Frameworks.NuGetFramework.AnyFramework, Array.Empty<NuGet.Packaging.Core.PackageDependency>()));
        foreach (var group in groups)
        {
            var actual = new List<string>();
            foreach (var dependency in group.Packages)
            {
                var range = dependency.VersionRange;
                var exact = range.HasLowerAndUpperBounds && range.IsMinInclusive && range.IsMaxInclusive && range.MinVersion == range.MaxVersion;
                if (!exact)
                {
                    add(CliDiagnosticCodes.NuspecDependenciesMismatch, $"{name}: nuspec dependency {dependency.Id} {range} is not an exact [x.y.z] version. Rebuild the package.");
                    continue;
                }
                actual.Add($"{dependency.Id.ToLowerInvariant()}/{range.MinVersion!.ToNormalizedString().ToLowerInvariant()}");
            }
            actual.Sort(StringComparer.Ordinal);
            if (!actual.SequenceEqual(expected, StringComparer.Ordinal))
            {
                var missing = expected.Except(actual).ToList();
                var extra = actual.Except(expected).ToList();
                add(CliDiagnosticCodes.NuspecDependenciesMismatch,
                    $"{name}: nuspec dependencies ({group.TargetFramework.GetShortFolderName()}) differ from function.json dependencies " +
                    $"(only in manifest: [{string.Join(", ", missing)}]; only in nuspec: [{string.Join(", ", extra)}]). One was edited; rebuild the package.");
            }
        }
    }
}
