using System.IO.Compression;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Model;
using NuGet.Packaging;

namespace FunctionPackage.Installing.Packages;

/// <summary>One file of a package, by its decoded path.</summary>
public sealed record ArchiveEntry(string Path, ZipArchiveEntry ZipEntry)
{
    public long Length => ZipEntry.Length;
}

/// <summary>
/// A function package (.nupkg) opened read-only. Entry names and declared sizes are checked once here
/// (<see cref="ZipEntryScan"/>); unsafe or duplicate names are collected in <see cref="PathProblems"/> and never appear
/// in <see cref="Entries"/>, and a package over a limit (<see cref="LimitProblems"/>) has no entries at all.
/// Every read counts the bytes actually inflated against the limits.
/// </summary>
public sealed class FunctionPackageArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ArchiveEntry> _byPath;

    private FunctionPackageArchive(string filePath, ZipArchive zip, long size, PackageLimits limits)
    {
        FilePath = filePath;
        _zip = zip;
        Size = size;
        Limits = limits;
        var scan = ZipEntryScan.Scan(zip, filePath, limits);
        Entries = scan.Entries;
        LimitProblems = scan.LimitProblems;
        PathProblems = scan.PathProblems;
        _byPath = scan.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    public string FilePath { get; }
    /// <summary>Size of the .nupkg file in bytes.</summary>
    public long Size { get; }
    public PackageLimits Limits { get; }
    /// <summary>The file entries, sorted ordinally by decoded path.</summary>
    public IReadOnlyList<ArchiveEntry> Entries { get; }
    /// <summary>(code, message) for every entry that was skipped because its name is unsafe, duplicated or too long.</summary>
    public IReadOnlyList<(string Code, string Message)> PathProblems { get; }
    /// <summary>(code, message) for every limit the package exceeds; when any, nothing may be read from it.</summary>
    public IReadOnlyList<(string Code, string Message)> LimitProblems { get; }

    /// <exception cref="FunctionPackageException">FPKG5210 when the file is missing; FPKG5001 when it is not a zip.</exception>
    public static FunctionPackageArchive Open(string filePath, PackageLimits? limits = null)
    {
        var full = Path.GetFullPath(filePath);
        if (!File.Exists(full))
        {
            throw new FunctionPackageException(DiagnosticCodes.PackageFileNotFound, DiagnosticMessages.Format("FPKG5210", full));
        }
        FileStream? stream = null;
        try
        {
            stream = File.OpenRead(full);
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            return new FunctionPackageArchive(full, zip, stream.Length, limits ?? PackageLimits.FromEnvironment());
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            throw new FunctionPackageException(DiagnosticCodes.PackageUnreadable, DiagnosticMessages.Format("FPKG5001", full, ex.Message), ex);
        }
    }

    public ArchiveEntry? Find(string path) => _byPath.TryGetValue(path, out var entry) ? entry : null;

    /// <summary>Streams an entry, bounded by its declared size and the per-file limit (FPKG5022, FPKG5001).</summary>
    public Stream OpenRead(ArchiveEntry entry) => ZipEntryScan.OpenBounded(entry, FilePath, Limits.MaxEntryBytes);

    /// <summary>Writes an entry to a new file, streaming and bounded like <see cref="OpenRead"/>.</summary>
    public void ExtractToFile(ArchiveEntry entry, string destination)
        => ZipEntryScan.ExtractToNewFile(entry, FilePath, Limits.MaxEntryBytes, destination);

    /// <summary>The manifest bytes, or null when <c>function.json</c> is absent.</summary>
    /// <exception cref="FunctionPackageException">FPKG5021 when it is larger than the manifest limit.</exception>
    public byte[]? ReadManifestBytes()
    {
        var entry = Find(FunctionPackageFormat.ManifestFileName);
        return entry is null ? null : ReadSmallFile(entry);
    }

    /// <summary>The root <c>.nuspec</c>, or null when there is none.</summary>
    /// <exception cref="FunctionPackageException">FPKG5021 when it is larger than the manifest limit.</exception>
    public NuspecReader? ReadNuspec()
    {
        var entry = Entries.FirstOrDefault(e => !e.Path.Contains('/') && e.Path.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        if (entry is null) return null;
        using var stream = new MemoryStream(ReadSmallFile(entry));
        return new NuspecReader(stream);
    }

    /// <summary>function.json and the nuspec are parsed in memory, so they get the (small) manifest limit.</summary>
    private byte[] ReadSmallFile(ArchiveEntry entry)
    {
        if (entry.Length > Limits.MaxManifestBytes)
        {
            throw new FunctionPackageException(DiagnosticCodes.ManifestTooLarge, DiagnosticMessages.Format("FPKG5021", entry.Path, FilePath, entry.Length, Limits.MaxManifestBytes, PackageLimits.ManifestVariable));
        }
        using var stream = ZipEntryScan.OpenBounded(entry, FilePath, Limits.MaxManifestBytes);
        using var buffer = new MemoryStream((int)entry.Length);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public void Dispose() => _zip.Dispose();
}
