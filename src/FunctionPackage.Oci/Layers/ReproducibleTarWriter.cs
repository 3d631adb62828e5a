using System.Text;

namespace FunctionPackage.Oci.Layers;

/// <summary>
/// Writes a POSIX tar (ustar headers, a PAX extended header only for a path, link or size ustar cannot hold) whose
/// bytes depend only on the entries: fixed mtime, uid/gid 0, no user/group names, no atime/ctime.
/// Written by hand rather than with System.Formats.Tar because that library names PAX headers after the process id
/// ("PaxHeaders.&lt;pid&gt;", observed on .NET 10), which would change a layer's digest from run to run.
/// </summary>
public sealed class ReproducibleTarWriter
{
    private const int BlockSize = 512;
    private const long MaxOctalSize = 0x1_FFFF_FFFF; // 11 octal digits
    private readonly Stream _output;
    private readonly long _mtime;
    private readonly byte[] _copyBuffer = new byte[1 << 16];

    public ReproducibleTarWriter(Stream output, long mtimeSeconds)
    {
        _output = output;
        _mtime = mtimeSeconds;
    }

    public void Write(LayerEntry entry)
    {
        var name = entry.Kind == LayerEntryKind.Directory ? entry.Path + "/" : entry.Path;
        var pax = new List<(string Key, string Value)>();
        if (!TrySplitUstarName(name, out var prefix, out var shortName))
        {
            pax.Add(("path", name));
            (prefix, shortName) = ("", Truncate(name, 100));
        }
        var link = entry.LinkTarget ?? "";
        if (Encoding.UTF8.GetByteCount(link) > 100)
        {
            pax.Add(("linkpath", link));
            link = Truncate(link, 100);
        }
        var size = entry.Kind == LayerEntryKind.File ? entry.Size : 0;
        if (size > MaxOctalSize) pax.Add(("size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        if (pax.Count > 0)
        {
            var records = EncodePax(pax);
            // A fixed name for the extended header: System.Formats.Tar's includes the process id.
            WriteHeader("", Truncate("PaxHeaders/" + shortName, 100), 'x', 0b110_100_100, records.Length, "");
            _output.Write(records);
            Pad(records.Length);
        }

        var type = entry.Kind switch { LayerEntryKind.Directory => '5', LayerEntryKind.SymbolicLink => '2', _ => '0' };
        WriteHeader(prefix, shortName, type, entry.Mode, size > MaxOctalSize ? 0 : size, link);
        if (entry.Kind == LayerEntryKind.File) CopyContent(entry, size);
    }

    /// <summary>The two zero blocks that end an archive.</summary>
    public void Finish() => _output.Write(new byte[BlockSize * 2]);

    private void CopyContent(LayerEntry entry, long size)
    {
        Stream content;
        try
        {
            content = entry.OpenContent!();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OciErrors.LayerInputError($"'{entry.Path}' could not be read ({e.Message}).");
        }
        using var _ = content;
        long copied = 0;
        int read;
        while ((read = content.Read(_copyBuffer, 0, _copyBuffer.Length)) > 0)
        {
            copied += read;
            if (copied > size) throw OciErrors.LayerInputError($"'{entry.Path}' grew while the layer was written (more than {size} bytes).");
            _output.Write(_copyBuffer, 0, read);
        }
        if (copied != size) throw OciErrors.LayerInputError($"'{entry.Path}' has {copied} bytes, {size} were expected (it changed while the layer was written).");
        Pad(size);
    }

    private void Pad(long length)
    {
        var rest = (int)(length % BlockSize);
        if (rest != 0) _output.Write(new byte[BlockSize - rest]);
    }

    private void WriteHeader(string prefix, string name, char type, int mode, long size, string link)
    {
        var h = new byte[BlockSize];
        Put(h, 0, 100, name);
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, 0);        // uid
        Octal(h, 116, 8, 0);        // gid
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, _mtime);
        h[156] = (byte)type;
        Put(h, 157, 100, link);
        Put(h, 257, 6, "ustar");    // magic "ustar\0"
        Put(h, 263, 2, "00");       // version
        // uname/gname stay empty: ids only, no names of the build machine.
        Octal(h, 329, 8, 0);        // devmajor
        Octal(h, 337, 8, 0);        // devminor
        Put(h, 345, 155, prefix);
        // The checksum is computed with its own field as spaces.
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        var sum = 0;
        foreach (var b in h) sum += b;
        var digits = Convert.ToString(sum, 8).PadLeft(6, '0');
        Put(h, 148, 6, digits);
        h[154] = 0;
        h[155] = (byte)' ';
        _output.Write(h);
    }

    /// <summary>ustar holds a name of ≤100 bytes, or a prefix of ≤155 bytes + '/' + a name of ≤100 bytes.</summary>
    internal static bool TrySplitUstarName(string path, out string prefix, out string name)
    {
        prefix = "";
        name = path;
        if (!IsAscii(path)) return false; // non-ASCII names go to PAX, whose records are UTF-8 by definition
        if (path.Length <= 100) return true;
        var trimmed = path.TrimEnd('/');
        // The rightmost '/' whose left side fits the prefix and right side the name.
        for (var i = trimmed.LastIndexOf('/'); i > 0; i = trimmed.LastIndexOf('/', i - 1))
        {
            if (i <= 155 && path.Length - i - 1 <= 100)
            {
                prefix = path[..i];
                name = path[(i + 1)..];
                return true;
            }
        }
        return false;
    }

    private static bool IsAscii(string s) => s.All(c => c is > '\0' and < (char)128);

    private static byte[] EncodePax(IEnumerable<(string Key, string Value)> records)
    {
        using var buffer = new MemoryStream();
        foreach (var (key, value) in records)
        {
            // "<length> <key>=<value>\n", where <length> counts its own digits.
            var body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
            var length = body + 1;
            while (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + body > length) length++;
            buffer.Write(Encoding.UTF8.GetBytes($"{length} {key}={value}\n"));
        }
        return buffer.ToArray();
    }

    private static string Truncate(string s, int bytes)
    {
        var ascii = new string(s.Select(c => c < 128 && c > 0 ? c : '_').ToArray());
        return ascii.Length <= bytes ? ascii : ascii[..bytes];
    }

    private static void Put(byte[] header, int offset, int length, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        Array.Copy(bytes, 0, header, offset, Math.Min(bytes.Length, length));
    }

    private static void Octal(byte[] header, int offset, int length, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Put(header, offset, length - 1, digits);
        header[offset + length - 1] = 0;
    }
}
