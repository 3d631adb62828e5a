using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Installing.Installation;

/// <summary>
/// Writes a plain publish-folder layout from an installed function: <c>function/*</c> plus every dependency asset
/// copied from the packages folder to its <c>destination</c>. The result equals what <c>dotnet publish</c> produced.
/// </summary>
public sealed class Materializer
{
    private readonly ILogger _logger;

    public Materializer(ILogger logger) => _logger = logger;

    /// <summary>FPKG5109 unless the target is new or empty. Installers call it before writing anything, too.</summary>
    public static void EnsureTargetIsEmpty(string targetDirectory)
    {
        var target = Path.GetFullPath(targetDirectory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new FunctionPackageException(DiagnosticCodes.MaterializeTargetNotEmpty, DiagnosticMessages.Format("FPKG5109", target));
        }
    }

    public void Materialize(string functionDirectory, string packagesFolder, string targetDirectory)
    {
        var target = Path.GetFullPath(targetDirectory);
        EnsureTargetIsEmpty(target);
        var manifest = FunctionManifestSerializer.Deserialize(File.ReadAllBytes(Path.Combine(functionDirectory, FunctionPackageFormat.ManifestFileName)));
        using var staged = StagedFolder.Create(target);
        var temp = staged.Path;
        var functionFiles = Path.Combine(functionDirectory, "function");
        foreach (var file in Directory.EnumerateFiles(functionFiles, "*", SearchOption.AllDirectories))
        {
            Copy(file, PackagePaths.Combine(temp, Path.GetRelativePath(functionFiles, file).Replace(Path.DirectorySeparatorChar, '/')));
        }
        foreach (var dependency in manifest.Dependencies)
        {
            var packageDirectory = PackagePaths.Combine(packagesFolder, dependency.Path);
            foreach (var asset in dependency.Assets)
            {
                var source = PackagePaths.Combine(packageDirectory, asset.PathInPackage);
                if (!File.Exists(source))
                {
                    throw new FunctionPackageException(DiagnosticCodes.PackagesFolderConflict, DiagnosticMessages.Format("FPKG5108", source, dependency.Id, dependency.Version, packageDirectory));
                }
                Copy(source, PackagePaths.Combine(temp, asset.Destination));
            }
        }
        // The target is new or empty (checked above): an empty folder is replaced; one that filled up meanwhile fails here.
        staged.Commit(whenTargetExists: () =>
        {
            Directory.Delete(target);
            return false;
        });
        _logger.LogInformation("Materialized {Id} {Version} to {Directory}", manifest.Id, manifest.Version, target);
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (File.Exists(destination))
        {
            throw new FunctionPackageException(DiagnosticCodes.InvalidManifestPath, DiagnosticMessages.Format("FPKG5016_7", destination));
        }
        File.Copy(source, destination);
    }
}
