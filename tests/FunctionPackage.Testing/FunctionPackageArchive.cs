using System.IO.Compression;
using System.Xml.Linq;
using FunctionPackage.Model;

namespace FunctionPackage.Testing;

/// <summary>Read-only view of a built function package (.nupkg) for assertions.</summary>
public sealed class FunctionPackageArchive : IDisposable
{
    private readonly ZipArchive _zip;

    public FunctionPackageArchive(string path)
    {
        Path = path;
        _zip = ZipFile.OpenRead(path);
    }

    public string Path { get; }

    /// <summary>Every entry name, ordinal-sorted.</summary>
    public IReadOnlyList<string> EntryNames => _zip.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList();

    public IEnumerable<ZipArchiveEntry> Entries => _zip.Entries;

    public bool Contains(string entryName) => _zip.GetEntry(entryName) is not null;

    public byte[] ReadBytes(string entryName)
    {
        var entry = _zip.GetEntry(entryName) ?? throw new InvalidOperationException($"{Path} has no entry '{entryName}'. Entries:\n{string.Join("\n", EntryNames)}");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public FunctionManifest ReadManifest() => FunctionManifestSerializer.Deserialize(ReadBytes(FunctionPackageFormat.ManifestFileName));

    /// <summary>The nuspec at the package root (its name is <c>&lt;id&gt;.nuspec</c>).</summary>
    public XDocument ReadNuspec()
    {
        var nuspec = _zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspec.Open();
        return XDocument.Load(stream);
    }

    public void Dispose() => _zip.Dispose();
}
