using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FunctionPackage.Model;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// Writes a package's zip: each entry deflated (<see cref="CompressionLevel.Optimal"/>) and stamped
/// <see cref="FunctionPackageFormat.DeterministicTimestamp"/>, in the order given. <see cref="Write"/> writes the zip
/// records itself, byte for byte as <see cref="ZipArchive"/> writes them to a seekable stream (no data descriptors, no
/// Zip64 below its limits), and takes each entry's deflated bytes from a cache of this process when an earlier package
/// had an entry with exactly the same bytes: a build node that packages again deflates only what changed (issue 12).
/// <see cref="WriteWithZipArchive"/> is the ZipArchive path itself, used where the direct one does not apply.
/// </summary>
public static class PackageZip
{
    /// <summary>
    /// Writes <paramref name="entries"/> (<see cref="NupkgFile.Path"/> is the entry name) to <paramref name="output"/>.
    /// Entries read from a file (beyond the writer's memory budget), a non-seekable output or a Zip64-sized archive go
    /// through <see cref="WriteWithZipArchive"/>: rare, and there the deflating dominates anyway.
    /// </summary>
    public static void Write(Stream output, IReadOnlyList<NupkgFile> entries)
    {
        if (!output.CanSeek || entries.Count >= ushort.MaxValue || entries.Any(e => e.Bytes is null))
        {
            WriteWithZipArchive(output, entries);
            return;
        }

        var central = new MemoryStream();
        var header = new byte[46];
        foreach (var entry in entries)
        {
            var deflated = DeflatedEntries.Get(entry);
            var name = EntryName(entry.Path, out var flags);
            var offset = output.Position;
            if (offset + LocalHeaderSize + name.Length + deflated.Data.Length > uint.MaxValue) throw Zip64NotExpected();

            // Local file header; an empty entry is stored, with no data (as ZipArchive writes it).
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
            WriteCommonFields(header.AsSpan(4), flags, deflated);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), 0);
            output.Write(header, 0, LocalHeaderSize);
            output.Write(name);
            output.Write(deflated.Data);

            // Its central directory record: made by spec 2.0 on this platform, the default file attributes.
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
            header[4] = VersionNeeded;
            header[5] = MadeByPlatform;
            WriteCommonFields(header.AsSpan(6), flags, deflated);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)name.Length);
            header.AsSpan(30, 8).Clear(); // extra field and comment lengths, disk number, internal attributes
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(38), ExternalAttributes);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42), (uint)offset);
            central.Write(header, 0, 46);
            central.Write(name);
        }

        var centralOffset = output.Position;
        if (centralOffset + central.Length > uint.MaxValue) throw Zip64NotExpected();
        central.WriteTo(output);
        // End of central directory record: one disk, no comment.
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)centralOffset);
        output.Write(end);
    }

    /// <summary>The same archive through <see cref="ZipArchive"/> (Create mode), each entry copied from its source.</summary>
    public static void WriteWithZipArchive(Stream output, IReadOnlyList<NupkgFile> entries)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var file in entries)
        {
            var entry = zip.CreateEntry(file.Path, CompressionLevel.Optimal);
            entry.LastWriteTime = FunctionPackageFormat.DeterministicTimestamp;
            using var target = entry.Open();
            file.CopyTo(target);
        }
    }

    private const int LocalHeaderSize = 30;
    /// <summary>Version 2.0 (deflate), needed to extract and made by, as ZipArchive sets it for every entry.</summary>
    private const byte VersionNeeded = 20;
    private const ushort Utf8NameFlag = 0x800;
    private const ushort Stored = 0, Deflate = 8;

    /// <summary>ZipArchiveEntry's platform (Windows 0, elsewhere Unix 3) and default file attributes (Unix: a regular file, 0644).</summary>
    private static readonly byte MadeByPlatform = (byte)(OperatingSystem.IsWindows() ? 0 : 3);
    private static readonly uint ExternalAttributes = OperatingSystem.IsWindows() ? 0u : (0x8000u | 0x1A4u) << 16;
    private static readonly uint DosTimestamp = DosTime(FunctionPackageFormat.DeterministicTimestamp.DateTime);

    /// <summary>The fields local header and central record share, from "version needed" to the uncompressed size.</summary>
    private static void WriteCommonFields(Span<byte> span, ushort flags, DeflatedEntry deflated)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, VersionNeeded);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(2), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(4), deflated.Length == 0 ? Stored : Deflate);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(6), DosTimestamp);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(10), deflated.Crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(14), (uint)deflated.Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(18), (uint)deflated.Length);
    }

    /// <summary>ZipArchive's entry name encoding: ASCII when every character is printable ASCII, else UTF-8 with the flag.</summary>
    private static byte[] EntryName(string name, out ushort flags)
    {
        var ascii = name.All(c => c >= 32 && c <= 126);
        flags = ascii ? (ushort)0 : Utf8NameFlag;
        return ascii ? Encoding.ASCII.GetBytes(name) : Encoding.UTF8.GetBytes(name);
    }

    /// <summary>MS-DOS date and time, two-second resolution, as ZipArchive stores <see cref="ZipArchiveEntry.LastWriteTime"/>.</summary>
    private static uint DosTime(DateTime time)
        => (uint)((time.Year - 1980) << 25 | time.Month << 21 | time.Day << 16 | time.Hour << 11 | time.Minute << 5 | time.Second / 2);

    private static InvalidOperationException Zip64NotExpected()
        => new("A package over 4 GiB held in memory: the writer's memory budget keeps packages this large on the ZipArchive path.");
}

/// <summary>An entry's bytes as ZipArchive deflates them, with their CRC-32 and uncompressed length.</summary>
internal sealed record DeflatedEntry(byte[] Data, uint Crc32, long Length);

/// <summary>
/// Deflated entries of this process by exact content and write calls (MSBuild keeps a node's task assemblies loaded, so a build node
/// that packages again finds here what it deflated before). A hit is a byte-for-byte comparison with a copy of the
/// bytes that were deflated, never a hash alone. Bounded: when the next entry would not fit, the cache starts over.
/// </summary>
internal static class DeflatedEntries
{
    /// <summary>Bytes held (originals and deflated), at most.</summary>
    private const long Budget = 64L << 20;

    private static readonly object Gate = new();
    // Reference-type values (not tuples): shared generic code, precompiled, as in ContentMemo.
    private static readonly Dictionary<int, List<Kept>> ByLength = new();
    private static long _held;

    /// <param name="file">In memory: its bytes and write calls are the key.</param>
    public static DeflatedEntry Get(NupkgFile file)
    {
        var bytes = file.Bytes!;
        if (bytes.Length == 0) return Empty;
        lock (Gate)
        {
            if (ByLength.TryGetValue(bytes.Length, out var candidates))
            {
                foreach (var kept in candidates)
                {
                    if (kept.Original.Bytes.AsSpan().SequenceEqual(bytes) && kept.Original.Writes.AsSpan().SequenceEqual(file.Writes)) return kept.Deflated;
                }
            }
        }

        var entry = Deflate(file);
        var cost = (long)bytes.Length + entry.Data.Length;
        if (cost > Budget / 4) return entry;
        lock (Gate)
        {
            if (_held + cost > Budget)
            {
                ByLength.Clear();
                _held = 0;
            }
            if (!ByLength.TryGetValue(bytes.Length, out var list)) ByLength[bytes.Length] = list = new();
            // A copy: the caller's arrays may change after this package is written.
            list.Add(new Kept(file with { Bytes = (byte[])bytes.Clone(), Writes = (int[]?)file.Writes?.Clone() }, entry));
            _held += cost;
        }
        return entry;
    }

    private sealed record Kept(NupkgFile Original, DeflatedEntry Deflated);

    private static readonly DeflatedEntry Empty = new(Array.Empty<byte>(), 0, 0);

    /// <summary>
    /// Deflates through ZipArchive itself, one entry into memory, and takes its data and CRC-32 from the local header
    /// it wrote: the bytes are ZipArchive's by construction, and no CRC-32 of our own is needed.
    /// </summary>
    private static DeflatedEntry Deflate(NupkgFile file)
    {
        using var scratch = new MemoryStream();
        using (var zip = new ZipArchive(scratch, ZipArchiveMode.Create, leaveOpen: true))
        using (var stream = zip.CreateEntry("e", CompressionLevel.Optimal).Open())
            file.CopyTo(stream);
        var header = scratch.GetBuffer().AsSpan(0, (int)scratch.Length);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(14));
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(18));
        var start = 30 + BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(26)) + BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(28));
        return new DeflatedEntry(header.Slice(start, size).ToArray(), crc, file.Bytes!.Length);
    }
}
