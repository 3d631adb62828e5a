using System.IO.Compression;
using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Installing.Packages;

/// <summary>
/// Checks every entry of a zip before anything is inflated or written, in one linear pass: the limits on the declared
/// sizes (count, per entry, total, compression ratio), then the names (safe, unique ignoring case, no file that is also
/// a folder, lengths a file system takes). Used for the function package and for every dependency .nupkg.
/// </summary>
public sealed class ZipEntryScan
{
    private ZipEntryScan(List<ArchiveEntry> entries, List<(string, string)> limitProblems, List<(string, string)> pathProblems)
    {
        Entries = entries;
        LimitProblems = limitProblems;
        PathProblems = pathProblems;
    }

    /// <summary>The file entries with safe, unique names, by decoded path; empty when a limit is exceeded.</summary>
    public IReadOnlyList<ArchiveEntry> Entries { get; }
    /// <summary>(code, message) per exceeded limit. When there is one, no entry should be read at all.</summary>
    public IReadOnlyList<(string Code, string Message)> LimitProblems { get; }
    /// <summary>(code, message) per entry skipped because its name is unsafe, duplicated or cannot be created.</summary>
    public IReadOnlyList<(string Code, string Message)> PathProblems { get; }

    public IEnumerable<(string Code, string Message)> Problems => LimitProblems.Concat(PathProblems);

    public static ZipEntryScan Scan(ZipArchive zip, string where, PackageLimits limits)
    {
        var limitProblems = CheckLimits(zip, where, limits);
        if (limitProblems.Count > 0) return new ZipEntryScan(new List<ArchiveEntry>(), limitProblems, new List<(string, string)>());

        var problems = new List<(string, string)>();
        var entries = new List<ArchiveEntry>();
        // Ignoring case: case-insensitive file systems would merge two such entries into one file.
        var names = new PathSet();
        foreach (var zipEntry in zip.Entries)
        {
            var raw = zipEntry.FullName;
            if (raw.EndsWith('/') && zipEntry.Length == 0) continue; // a folder entry carries no file
            var decoded = PackagePaths.UnescapeEntryName(raw);
            if (!PackagePaths.IsSafeRelativePath(raw.Replace('%', '_')) || !PackagePaths.IsSafeRelativePath(decoded))
            {
                problems.Add((DiagnosticCodes.UnsafeEntryPath,
                    DiagnosticMessages.Format("FPKG5008", raw, where)));
                continue;
            }
            if (PackagePaths.LengthProblem(decoded) is { } tooLong)
            {
                problems.Add((DiagnosticCodes.UnextractableEntry,
                    DiagnosticMessages.Format("FPKG5026_3", raw[..Math.Min(80, raw.Length)], where, tooLong)));
                continue;
            }
            if (!names.Add(decoded))
            {
                problems.Add((DiagnosticCodes.DuplicateEntry,
                    DiagnosticMessages.Format("FPKG5017", raw, where)));
                continue;
            }
            entries.Add(new ArchiveEntry(decoded, zipEntry));
        }
        // A file named like another entry's folder cannot be extracted next to it.
        var kept = new List<ArchiveEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (names.IsFolder(entry.Path))
            {
                problems.Add((DiagnosticCodes.UnextractableEntry,
                    DiagnosticMessages.Format("FPKG5026_4", entry.Path, where)));
                continue;
            }
            kept.Add(entry);
        }
        kept.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ZipEntryScan(kept, new List<(string, string)>(), problems);
    }

    private static List<(string, string)> CheckLimits(ZipArchive zip, string where, PackageLimits limits)
    {
        var problems = new List<(string, string)>();
        var entries = zip.Entries;
        if (entries.Count > limits.MaxEntries)
        {
            problems.Add((DiagnosticCodes.TooManyEntries,
                DiagnosticMessages.Format("FPKG5024", where, entries.Count, limits.MaxEntries, PackageLimits.EntriesVariable)));
            return problems;
        }
        long total = 0;
        foreach (var entry in entries)
        {
            total += entry.Length;
            if (entry.Length > limits.MaxEntryBytes)
            {
                problems.Add((DiagnosticCodes.EntryTooLarge,
                    DiagnosticMessages.Format("FPKG5022", entry.FullName, where, entry.Length, limits.MaxEntryBytes, PackageLimits.EntryVariable)));
            }
            else if (entry.Length >= limits.RatioCheckMinBytes && entry.Length / Math.Max(1, entry.CompressedLength) > limits.MaxCompressionRatio)
            {
                problems.Add((DiagnosticCodes.CompressionRatioTooHigh,
                    DiagnosticMessages.Format("FPKG5025", entry.FullName, where, entry.CompressedLength, entry.Length, limits.MaxCompressionRatio, PackageLimits.RatioVariable)));
            }
        }
        if (total > limits.MaxTotalBytes)
        {
            problems.Add((DiagnosticCodes.PackageTooLarge,
                DiagnosticMessages.Format("FPKG5023", where, total, limits.MaxTotalBytes, PackageLimits.TotalVariable)));
        }
        return problems;
    }

    /// <summary>
    /// Opens an entry for reading, counting the bytes actually inflated: more than its declared size (a lying header) or
    /// than <paramref name="maxBytes"/> is FPKG5022; corrupt compressed data is FPKG5001. Both exit 2, never 70.
    /// </summary>
    public static Stream OpenBounded(ArchiveEntry entry, string where, long maxBytes)
    {
        Stream inner;
        try
        {
            inner = entry.ZipEntry.Open();
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(entry.Path, where, ex);
        }
        return new BoundedReadStream(inner, Math.Min(maxBytes, entry.Length), entry.Path, where);
    }

    private static FunctionPackageException Corrupt(string path, string where, Exception ex)
        => new(DiagnosticCodes.PackageUnreadable, DiagnosticMessages.Format("FPKG5001_2", path, where, ex.Message), ex);

    /// <summary>Copies an entry to a new file through <see cref="OpenBounded"/>.</summary>
    public static void ExtractToNewFile(ArchiveEntry entry, string where, long maxBytes, string destination)
    {
        using var source = OpenBounded(entry, where, maxBytes);
        using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        source.CopyTo(target);
    }

    private sealed class BoundedReadStream(Stream inner, long limit, string path, string where) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                // One byte past the limit is enough to know it was exceeded.
                n = inner.Read(buffer[..(int)Math.Min(buffer.Length, limit - _read + 1)]);
            }
            catch (InvalidDataException ex)
            {
                throw Corrupt(path, where, ex);
            }
            _read += n;
            if (_read > limit)
            {
                throw new FunctionPackageException(DiagnosticCodes.EntryTooLarge, DiagnosticMessages.Format("FPKG5022_2", path, where, limit));
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
