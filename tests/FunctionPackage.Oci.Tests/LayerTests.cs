using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Layers;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests;

public sealed class LayerTests : IDisposable
{
    private readonly TestRoot _root = new("oci-layer");

    public void Dispose() => _root.Dispose();

    private string MakeFolder()
    {
        var folder = _root.Combine("in");
        _root.WriteFile("in/b.txt", "bee");
        _root.WriteFile("in/a/z.json", "{}");
        _root.WriteFile("in/a-b/c.txt", "sea");
        var tool = _root.WriteFile("in/bin/tool", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Odd on-disk modes and times must not reach the layer.
        File.SetUnixFileMode(_root.Combine("in/b.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(_root.Combine("in/b.txt"), DateTime.UtcNow.AddDays(-3));
        return folder;
    }

    [Fact]
    public void Same_folder_gives_the_same_bytes_twice_even_after_touching_files()
    {
        var folder = MakeFolder();
        var first = LayerWriter.Write(LayerContent.FromFolder(folder, "app"), _root.Combine("one.tar.gz"), mtime: 0);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
        var second = LayerWriter.Write(LayerContent.FromFolder(folder, "app"), _root.Combine("two.tar.gz"), mtime: 0);

        Assert.Equal(first.Descriptor.Digest, second.Descriptor.Digest);
        Assert.Equal(File.ReadAllBytes(first.Path), File.ReadAllBytes(second.Path));
        Assert.Equal(first.Descriptor.Digest, Digest.Of(File.ReadAllBytes(first.Path)));
        Assert.Equal(new FileInfo(first.Path).Length, first.Descriptor.Size);
        Assert.Equal(first.DiffId, Digest.Of(Gunzip(first.Path)));
    }

    [Fact]
    public void A_changed_byte_changes_the_digest_and_mtime_follows_SOURCE_DATE_EPOCH_when_given()
    {
        var a = LayerWriter.Write(new[] { LayerEntry.File("x", "1"u8.ToArray()) }, _root.Combine("a.tgz"), mtime: 0);
        var b = LayerWriter.Write(new[] { LayerEntry.File("x", "2"u8.ToArray()) }, _root.Combine("b.tgz"), mtime: 0);
        var c = LayerWriter.Write(new[] { LayerEntry.File("x", "1"u8.ToArray()) }, _root.Combine("c.tgz"), mtime: 1700000000);
        Assert.NotEqual(a.Descriptor.Digest, b.Descriptor.Digest);
        Assert.NotEqual(a.Descriptor.Digest, c.Descriptor.Digest);
        Assert.Contains("2023-11-14 22:13:20", ListWithGnuTar(c.Path, "--full-time", "--utc"));
    }

    [Fact]
    public void Entries_are_sorted_with_parents_and_real_modes_uid_gid_0_mtime_0()
    {
        var layer = LayerWriter.Write(LayerContent.FromFolder(MakeFolder(), "app"), _root.Combine("l.tgz"), mtime: 0);
        var lines = ListWithGnuTar(layer.Path, "--numeric-owner", "--full-time", "--utc").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last()).ToList();
        Assert.Equal(new[] { "app/", "app/a/", "app/a/z.json", "app/a-b/", "app/a-b/c.txt", "app/b.txt", "app/bin/", "app/bin/tool" }.OrderBy(n => n.TrimEnd('/'), StringComparer.Ordinal), names);
        Assert.All(lines, l => Assert.Contains(" 0/0 ", l));
        Assert.All(lines, l => Assert.Contains("1970-01-01 00:00:00", l));
        Assert.StartsWith("drwxr-xr-x", lines[names.IndexOf("app/")]);
        Assert.StartsWith("-rw-r--r--", lines[names.IndexOf("app/b.txt")]);
        Assert.StartsWith("-rwxr-xr-x", lines[names.IndexOf("app/bin/tool")]);
    }

    [Fact]
    public void Long_and_non_ascii_names_and_link_targets_survive_through_pax_and_ustar_prefix()
    {
        var longDir = string.Join('/', Enumerable.Range(0, 12).Select(i => $"segment{i:00}-abcdefgh"));
        var prefixSplit = longDir[..120] + "/file.txt"; // >100 bytes: fits ustar's prefix+name
        var tooLong = longDir + "/" + new string('n', 120) + ".txt"; // a name segment >100 bytes: only PAX holds it
        var entries = new[]
        {
            LayerEntry.File(prefixSplit, "p"u8.ToArray()),
            LayerEntry.File(tooLong, "q"u8.ToArray()),
            LayerEntry.File("ünïcode/名前.txt", "u"u8.ToArray()),
            LayerEntry.SymbolicLink("link", "target/" + new string('t', 120)),
        };
        var layer = LayerWriter.Write(entries, _root.Combine("long.tgz"), mtime: 0);
        var extract = _root.Combine("out");
        Directory.CreateDirectory(extract);
        RunTar("-xzf", layer.Path, "-C", extract);
        Assert.Equal("p", File.ReadAllText(Path.Combine(extract, prefixSplit)));
        Assert.Equal("q", File.ReadAllText(Path.Combine(extract, tooLong)));
        Assert.Equal("u", File.ReadAllText(Path.Combine(extract, "ünïcode/名前.txt")));
        Assert.Equal("target/" + new string('t', 120), new FileInfo(Path.Combine(extract, "link")).LinkTarget);
        // The PAX header's own name is fixed, never the process id.
        Assert.Contains("PaxHeaders/", System.Text.Encoding.ASCII.GetString(Gunzip(layer.Path)));
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}", System.Text.Encoding.ASCII.GetString(Gunzip(layer.Path)));
    }

    [Fact]
    public void Gzip_header_has_no_mtime_no_name_and_no_flags()
    {
        var layer = LayerWriter.Write(new[] { LayerEntry.File("x", "1"u8.ToArray()) }, _root.Combine("g.tgz"), mtime: 0);
        var header = File.ReadAllBytes(layer.Path)[..10];
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0 }, header[..8]); // magic, deflate, FLG=0, MTIME=0
    }

    [Fact]
    public void Bad_input_is_FPKG6000_and_leaves_no_file()
    {
        Assert.Equal(OciErrors.LayerInput, Assert.Throws<OciException>(() => LayerEntry.File("a/../b", Array.Empty<byte>())).Code);
        var twice = new[] { LayerEntry.File("a", "1"u8.ToArray()), LayerEntry.File("a", "2"u8.ToArray()) };
        Assert.Equal(OciErrors.LayerInput, Assert.Throws<OciException>(() => LayerWriter.Write(twice, _root.Combine("t.tgz"))).Code);
        var fileAsDir = new[] { LayerEntry.File("a", "1"u8.ToArray()), LayerEntry.File("a/b", "2"u8.ToArray()) };
        Assert.Equal(OciErrors.LayerInput, Assert.Throws<OciException>(() => LayerWriter.Write(fileAsDir, _root.Combine("t.tgz"))).Code);
        var gone = _root.WriteFile("gone.txt", "x");
        var vanished = new[] { LayerEntry.FromDisk("gone.txt", gone) };
        File.Delete(gone);
        Assert.Equal(OciErrors.LayerInput, Assert.Throws<OciException>(() => LayerWriter.Write(vanished, _root.Combine("t.tgz"))).Code);
        var lying = new[] { LayerEntry.File("a", 10, () => new MemoryStream(new byte[3])) };
        Assert.Equal(OciErrors.LayerInput, Assert.Throws<OciException>(() => LayerWriter.Write(lying, _root.Combine("t.tgz"))).Code);
        Assert.Empty(Directory.EnumerateFiles(_root.Path, "t.tgz*"));
    }

    private static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string ListWithGnuTar(string path, params string[] options) => RunTar(new[] { "-tvzf", path }.Concat(options).ToArray());

    /// <summary>GNU tar is the independent reader of our tar format.</summary>
    private static string RunTar(params string[] args)
    {
        var start = new ProcessStartInfo("tar") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"tar {string.Join(' ', args)} failed ({process.ExitCode}):\n{error}\n{output}");
        return output;
    }
}
