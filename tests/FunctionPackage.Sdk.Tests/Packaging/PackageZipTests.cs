using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FunctionPackage.Sdk.Packaging;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

/// <summary>
/// The direct zip writer (with its cache of deflated entries) against ZipArchive, which wrote every package before it:
/// the same entries must give the same bytes, shape by shape, and a cached entry may serve only exactly equal bytes.
/// </summary>
public sealed class PackageZipTests
{
    public static TheoryData<string> Shapes => new()
    {
        "no-entries", "one-entry", "empty-files", "large-files", "many-entries", "non-ascii-names", "same-bytes-twice",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Direct_bytes_equal_ZipArchive_bytes(string shape)
    {
        var entries = Shape(shape);
        var reference = WithZipArchive(entries);
        // Twice: the first write may deflate, the second takes every entry from the cache.
        for (var pass = 1; pass <= 2; pass++)
        {
            var direct = Direct(entries);
            Assert.True(direct.AsSpan().SequenceEqual(reference), $"{shape}, pass {pass}: {FirstDifference(direct, reference)}");
        }
        // And ZipArchive reads it back: every name and byte.
        using var archive = new ZipArchive(new MemoryStream(Direct(entries)));
        Assert.Equal(entries.Select(e => e.Path), archive.Entries.Select(e => e.FullName));
        foreach (var (entry, expected) in archive.Entries.Zip(entries))
            Assert.Equal(expected.Bytes, Read(entry));
    }

    [Fact]
    public void Write_calls_are_part_of_the_key()
    {
        // The XML parts reach the deflater as XmlWriter and StreamWriter wrote them, in pieces with flushes; a flush ends
        // a deflate block, so the same bytes written otherwise deflate to other bytes and must not share a cache entry.
        var bytes = Compressible(20_000, seed: 5);
        var once = new[] { new NupkgFile("a.xml", Bytes: bytes) };
        var pieces = Enumerable.Range(0, 20).Select(_ => 1000).ToList();
        pieces.Insert(7, NupkgFile.Flush);
        pieces.Add(NupkgFile.Flush);
        pieces.Add(NupkgFile.Flush);
        var inPieces = new[] { new NupkgFile("a.xml", Bytes: bytes, Writes: pieces.ToArray()) };

        var first = Direct(once);
        var second = Direct(inPieces);
        Assert.True(first.AsSpan().SequenceEqual(WithZipArchive(once)), FirstDifference(first, WithZipArchive(once)));
        Assert.True(second.AsSpan().SequenceEqual(WithZipArchive(inPieces)), FirstDifference(second, WithZipArchive(inPieces)));
        Assert.False(first.AsSpan().SequenceEqual(second));
        using var archive = new ZipArchive(new MemoryStream(second));
        Assert.Equal(bytes, Read(archive.Entries.Single()));
    }

    [Fact]
    public void A_changed_byte_is_deflated_again()
    {
        var bytes = Compressible(100_000, seed: 7);
        var before = Direct(new[] { new NupkgFile("function/app.dll", Bytes: bytes) });

        var changed = (byte[])bytes.Clone();
        changed[50_000] ^= 0xFF;
        var entries = new[] { new NupkgFile("function/app.dll", Bytes: changed) };
        var after = Direct(entries);

        Assert.False(after.AsSpan().SequenceEqual(before));
        Assert.True(after.AsSpan().SequenceEqual(WithZipArchive(entries)), FirstDifference(after, WithZipArchive(entries)));
        using var archive = new ZipArchive(new MemoryStream(after));
        Assert.Equal(changed, Read(archive.Entries.Single()));
    }

    [Fact]
    public void An_array_changed_after_writing_is_not_mistaken_for_its_old_bytes()
    {
        // The cache keeps a copy of what it deflated: the caller's array may be reused with other content.
        var bytes = Compressible(70_000, seed: 11);
        var entries = new[] { new NupkgFile("sbom.cdx.json", Bytes: bytes) };
        Direct(entries);
        bytes[123] ^= 0x55;
        var again = Direct(entries);
        Assert.True(again.AsSpan().SequenceEqual(WithZipArchive(entries)), FirstDifference(again, WithZipArchive(entries)));
    }

    [Fact]
    public void Entries_read_from_files_and_non_seekable_outputs_take_the_ZipArchive_path_with_the_same_bytes()
    {
        var root = Path.Combine(Path.GetTempPath(), "fpkg-zip-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var inMemory = Shape("large-files");
            var onDisk = inMemory.Select((e, i) =>
            {
                var path = Path.Combine(root, i.ToString());
                File.WriteAllBytes(path, e.Bytes!);
                return new NupkgFile(e.Path, SourcePath: path);
            }).ToList();
            var reference = WithZipArchive(inMemory);
            Assert.True(Direct(onDisk).AsSpan().SequenceEqual(reference));

            // A non-seekable output gets ZipArchive's streaming layout (data descriptors): still ZipArchive's bytes.
            var streamed = new MemoryStream();
            PackageZip.Write(new ForwardOnly(streamed), inMemory);
            var streamedReference = new MemoryStream();
            PackageZip.WriteWithZipArchive(new ForwardOnly(streamedReference), inMemory);
            Assert.Equal(streamedReference.ToArray(), streamed.ToArray());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static IReadOnlyList<NupkgFile> Shape(string shape) => shape switch
    {
        "no-entries" => Array.Empty<NupkgFile>(),
        "one-entry" => new[] { new NupkgFile("function.json", Bytes: Encoding.UTF8.GetBytes("{\"id\":\"Fn\"}\n")) },
        "empty-files" => new[]
        {
            new NupkgFile("function/empty.txt", Bytes: Array.Empty<byte>()),
            new NupkgFile("function/one.bin", Bytes: new byte[] { 42 }),
            new NupkgFile("function/also-empty", Bytes: Array.Empty<byte>()),
        },
        // Over 64 KiB: several deflate blocks and copy buffers; random bytes deflate to more than they were.
        "large-files" => new[]
        {
            new NupkgFile("function/random.so", Bytes: Random(300_000, seed: 1)),
            new NupkgFile("function/text.json", Bytes: Compressible(1_500_000, seed: 2)),
            new NupkgFile("function/exact.bin", Bytes: Random(65_536, seed: 3)),
        },
        "many-entries" => Enumerable.Range(0, 3000)
            .Select(i => new NupkgFile($"function/lib/{i:D4}/Lib{i}.dll", Bytes: Compressible(i % 97 * 13, seed: i))).ToArray(),
        // UTF-8 names get the language-encoding flag; a control character does too, as ZipArchive decides.
        "non-ascii-names" => new[]
        {
            new NupkgFile("function/a b/ü%20+#[x].txt", Bytes: Encoding.UTF8.GetBytes("odd")),
            new NupkgFile("function/日本語/データ.json", Bytes: Encoding.UTF8.GetBytes("{}")),
            new NupkgFile("function/tab\there", Bytes: Encoding.UTF8.GetBytes("tab")),
            new NupkgFile("function/plain~name!.txt", Bytes: Encoding.UTF8.GetBytes("ascii")),
        },
        // Equal content under two names (one cache entry), and equal lengths with other content (no false hit).
        "same-bytes-twice" => new[]
        {
            new NupkgFile("function/a.dll", Bytes: Compressible(5000, seed: 9)),
            new NupkgFile("function/b.dll", Bytes: Compressible(5000, seed: 9)),
            new NupkgFile("function/c.dll", Bytes: Compressible(5000, seed: 10)),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    private static byte[] Direct(IReadOnlyList<NupkgFile> entries)
    {
        using var output = new MemoryStream();
        PackageZip.Write(output, entries);
        return output.ToArray();
    }

    private static byte[] WithZipArchive(IReadOnlyList<NupkgFile> entries)
    {
        using var output = new MemoryStream();
        PackageZip.WriteWithZipArchive(output, entries);
        return output.ToArray();
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>JSON-like text: deflates well, with repeats at every distance.</summary>
    private static byte[] Compressible(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < length)
            text.Append("{\"id\":\"BenchPkg").Append(random.Next(300)).Append("\",\"sha512\":\"").Append(Convert.ToBase64String(SHA256.HashData(BitConverter.GetBytes(random.Next(50))))).Append("\"},\n");
        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    private static string FirstDifference(byte[] actual, byte[] expected)
    {
        var at = actual.AsSpan().CommonPrefixLength(expected);
        return $"{actual.Length} bytes against ZipArchive's {expected.Length}; first difference at offset {at}";
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>A write-only stream that cannot seek, as a pipe or a network stream.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
