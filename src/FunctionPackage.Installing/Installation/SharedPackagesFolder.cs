using System.IO.Compression;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using NuGet.Packaging;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Installation;

/// <summary>
/// The install root's <c>packages/</c> folder in NuGet global-packages layout (<c>&lt;lower id&gt;/&lt;lower version&gt;/</c>
/// with the package files, <c>&lt;id&gt;.nuspec</c>, the .nupkg, <c>.nupkg.sha512</c> and <c>.nupkg.metadata</c>).
/// A package is extracted into the installer's staging folder (same volume, under the root's <c>.staging/</c>) and renamed
/// into place, so a folder with <c>.nupkg.metadata</c> is always complete, concurrent installers never see half a package,
/// and a killed install leaves its partial extraction only in <c>.staging/</c>, which later installs clean up.
/// </summary>
public sealed class SharedPackagesFolder
{
    public const string MetadataFileName = ".nupkg.metadata";

    private readonly PackageLimits _limits;

    public SharedPackagesFolder(string folder, PackageLimits? limits = null)
    {
        Folder = Path.GetFullPath(folder);
        _limits = limits ?? PackageLimits.Default;
    }

    public string Folder { get; }

    public string PackageDirectory(DependencyDefinition dependency) => PackagePaths.Combine(Folder, dependency.Path);

    /// <summary>
    /// True when the package is already complete here. Throws FPKG5108 when it is present with another content hash:
    /// the shared folder no longer matches what the manifest pins.
    /// </summary>
    public bool IsInstalled(DependencyDefinition dependency)
    {
        var metadataPath = Path.Combine(PackageDirectory(dependency), MetadataFileName);
        if (!File.Exists(metadataPath)) return false;
        string? contentHash = null;
        try
        {
            contentHash = NupkgMetadataFileFormat.Read(metadataPath).ContentHash;
        }
        catch (Exception ex) when (ex is not (IOException or UnauthorizedAccessException))
        {
            // Not JSON, or not NuGet's format: it cannot vouch for the content, which is the conflict below.
        }
        if (!string.Equals(contentHash, dependency.Sha512, StringComparison.Ordinal))
        {
            throw new FunctionPackageException(DiagnosticCodes.PackagesFolderConflict, DiagnosticMessages.Format("FPKG5108_2", PackageDirectory(dependency), dependency.Id, dependency.Version, contentHash ?? "(none)", dependency.Sha512));
        }
        return true;
    }

    /// <summary>
    /// Extracts <paramref name="nupkgFile"/> (already hash-checked) into a fresh folder under <paramref name="scratchFolder"/>
    /// (the install's staging folder, on the same volume as the root), then renames it into place. A concurrent winner is accepted.
    /// </summary>
    public void Install(DependencyDefinition dependency, string nupkgFile, string contentHash, string source, string scratchFolder)
    {
        var target = PackageDirectory(dependency);
        using var staged = StagedFolder.Create(target, scratchFolder);
        Extract(dependency, nupkgFile, contentHash, source, staged.Path, _limits);
        // Only now: a package refused during extraction leaves no trace in the packages folder.
        staged.Commit(whenTargetExists: () =>
        {
            if (IsInstalled(dependency)) return true; // another install got there first with the same bytes
            // Left half-written by a tool that does not rename into place (e.g. an interrupted restore).
            Directory.Delete(target, recursive: true);
            return false;
        });
    }

    private static void Extract(DependencyDefinition dependency, string nupkgFile, string contentHash, string source, string folder, PackageLimits limits)
    {
        var version = NuGetVersion.Parse(dependency.Version); // verified before anything is installed
        var where = $"{dependency.Id} {dependency.Version} from {source}";
        using (var zip = ZipFile.OpenRead(nupkgFile))
        {
            // Names, sizes and counts are checked on the whole zip before the first file is written.
            var scan = ZipEntryScan.Scan(zip, where, limits);
            foreach (var (code, message) in scan.Problems)
            {
                throw new FunctionPackageException(code, message + " Do not use this package; report it to its owner.");
            }
            var files = scan.Entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            if (PackageVerifier.MissingAsset(dependency, files.Contains) is { } missing)
            {
                throw new FunctionPackageException(DiagnosticCodes.AssetNotInDependency, missing);
            }
            foreach (var entry in scan.Entries)
            {
                var name = entry.Path;
                if (IsPackagingMetadata(name)) continue;
                var destination = !name.Contains('/') && name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)
                    ? PackagePaths.CombineNames(folder, PackageNames.NuspecFileName(dependency.Id, version))
                    : PackagePaths.Combine(folder, name);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                ZipEntryScan.ExtractToNewFile(entry, where, limits.MaxEntryBytes, destination);
            }
        }
        File.Copy(nupkgFile, PackagePaths.CombineNames(folder, PackageNames.NupkgFileName(dependency.Id, dependency.Version)));
        File.WriteAllText(PackagePaths.CombineNames(folder, PackageNames.HashFileName(dependency.Id, version)), contentHash);
        // Written last: NuGet and fnpkg both treat this file as "extraction complete".
        NupkgMetadataFileFormat.Write(Path.Combine(folder, MetadataFileName), new NupkgMetadataFile { ContentHash = contentHash, Source = source });
    }

    /// <summary>OPC bookkeeping that NuGet does not extract either.</summary>
    private static bool IsPackagingMetadata(string name)
        => name == "[Content_Types].xml" || name == ".signature.p7s"
           || name.StartsWith("_rels/", StringComparison.Ordinal)
           || name.StartsWith("package/services/metadata/", StringComparison.Ordinal);
}
