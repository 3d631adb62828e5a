using System.Buffers.Binary;
using System.Text;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>Rewrites the sizes a zip declares for one entry, without touching its data: a zip whose headers lie.</summary>
public static class ZipHeaders
{
    private const uint CentralHeader = 0x02014b50;
    private const uint LocalHeader = 0x04034b50;

    public static void SetDeclaredUncompressedSize(string zipPath, string entryName, uint size)
    {
        var bytes = File.ReadAllBytes(zipPath);
        var name = Encoding.UTF8.GetBytes(entryName);
        var patched = 0;
        for (var i = 0; i + 46 <= bytes.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) != CentralHeader) continue;
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28));
            if (!bytes.AsSpan(i + 46, nameLength).SequenceEqual(name)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), size);
            var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 42));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(local)) != LocalHeader) throw new InvalidOperationException("no local header");
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), size);
            patched++;
        }
        if (patched != 1) throw new InvalidOperationException($"{entryName}: {patched} central directory records");
        File.WriteAllBytes(zipPath, bytes);
    }
}
