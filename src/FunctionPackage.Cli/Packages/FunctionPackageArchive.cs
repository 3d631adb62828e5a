using System.IO.Compression;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Model;
using NuGet.Packaging;

namespace FunctionPackage.Cli.Packages;

/// <summary>One file of a package, by its decoded path.</summary>
public sealed record ArchiveEntry(string Path, ZipArchiveEntry ZipEntry)
{
    public long Length => ZipEntry.Length;
}

/// <summary>
/// A function package (.nupkg) opened read-only. Entry names are decoded and checked once here;
/// unsafe or duplicate names are collected in <see cref="PathProblems"/> and never appear in <see cref="Entries"/>.
/// </summary>
public sealed class FunctionPackageArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ArchiveEntry> _byPath;

    private FunctionPackageArchive(string filePath, ZipArchive zip, long size)
    {
        FilePath = filePath;
        _zip = zip;
        Size = size;
        _byPath = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        var problems = new List<(string, string)>();
        foreach (var zipEntry in zip.Entries)
        {
            var raw = zipEntry.FullName;
            if (raw.EndsWith('/') && zipEntry.Length == 0) continue; // a folder entry carries no file
            var decoded = PackagePaths.UnescapeEntryName(raw);
            if (!PackagePaths.IsSafeRelativePath(raw.Replace('%', '_')) || !PackagePaths.IsSafeRelativePath(decoded))
            {
                problems.Add((CliDiagnosticCodes.UnsafeEntryPath,
                    $"Zip entry '{raw}' in '{filePath}' is not a safe relative path (rooted, '..', '.', backslash or drive). " +
                    "The package is malformed or crafted to write outside its folder; do not install it."));
                continue;
            }
            // Case-insensitive file systems would merge these two entries into one file.
            if (_byPath.Keys.Any(k => string.Equals(k, decoded, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add((CliDiagnosticCodes.DuplicateEntry,
                    $"Zip entry '{raw}' in '{filePath}' duplicates another entry (ignoring case). Rebuild the package."));
                continue;
            }
            _byPath.Add(decoded, new ArchiveEntry(decoded, zipEntry));
        }
        Entries = _byPath.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        PathProblems = problems;
    }

    public string FilePath { get; }
    /// <summary>Size of the .nupkg file in bytes.</summary>
    public long Size { get; }
    public IReadOnlyList<ArchiveEntry> Entries { get; }
    /// <summary>(code, message) for every entry that was skipped because its name is unsafe or duplicated.</summary>
    public IReadOnlyList<(string Code, string Message)> PathProblems { get; }

    /// <exception cref="CliException">The file is missing (exit 3) or not a zip (exit 2).</exception>
    public static FunctionPackageArchive Open(string filePath)
    {
        var full = Path.GetFullPath(filePath);
        if (!File.Exists(full))
        {
            throw new CliException(CliDiagnosticCodes.PackageUnreadable, ExitCodes.NotFound,
                $"Package file '{full}' does not exist. Check the path, or pass id@version to install from a feed.");
        }
        FileStream? stream = null;
        try
        {
            stream = File.OpenRead(full);
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            return new FunctionPackageArchive(full, zip, stream.Length);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            throw new CliException(CliDiagnosticCodes.PackageUnreadable, ExitCodes.VerificationFailed,
                $"'{full}' cannot be read as a .nupkg (zip): {ex.Message}. Re-download or rebuild the package.", ex);
        }
    }

    public ArchiveEntry? Find(string path) => _byPath.TryGetValue(path, out var entry) ? entry : null;

    public byte[] ReadAllBytes(ArchiveEntry entry)
    {
        using var stream = entry.ZipEntry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public Stream OpenRead(ArchiveEntry entry) => entry.ZipEntry.Open();

    /// <summary>The manifest bytes, or null when <c>function.json</c> is absent.</summary>
    public byte[]? ReadManifestBytes()
    {
        var entry = Find(FunctionPackageFormat.ManifestFileName);
        return entry is null ? null : ReadAllBytes(entry);
    }

    /// <summary>The root <c>.nuspec</c>, or null when there is none.</summary>
    public NuspecReader? ReadNuspec()
    {
        var entry = Entries.FirstOrDefault(e => !e.Path.Contains('/') && e.Path.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        if (entry is null) return null;
        using var stream = new MemoryStream(ReadAllBytes(entry));
        return new NuspecReader(stream);
    }

    public void Dispose() => _zip.Dispose();
}
