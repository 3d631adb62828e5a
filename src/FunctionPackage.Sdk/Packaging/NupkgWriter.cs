using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using FunctionPackage.Model;
using NuGet.Versioning;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// One file of a .nupkg: its path in the package and its bytes, in memory or in a file on disk. <paramref name="Writes"/>:
/// how in-memory bytes reach the deflater — each n ≥ 0 a write of the next n bytes, -1 a flush — where it is not one write
/// of them all: deflate's output depends on the write calls (a flush ends a block), and the XML parts keep the calls
/// PackageBuilder's XmlWriter and StreamWriter made.
/// </summary>
public sealed record NupkgFile(string Path, byte[]? Bytes = null, string? SourcePath = null, int[]? Writes = null)
{
    public const int Flush = -1;

    public Stream Open() => Bytes is not null ? new MemoryStream(Bytes, writable: false) : File.OpenRead(SourcePath!);

    /// <summary>Writes the file to <paramref name="target"/> with its write calls (a stream copy where none are recorded).</summary>
    public void CopyTo(Stream target)
    {
        if (Bytes is null || Writes is null)
        {
            using var source = Open();
            source.CopyTo(target);
            return;
        }
        var offset = 0;
        foreach (var call in Writes)
        {
            if (call == Flush) target.Flush();
            else { target.Write(Bytes, offset, call); offset += call; }
        }
    }
}

/// <summary>A dependency of the single dependency group, pinned to exactly <paramref name="Version"/>.</summary>
public sealed record NupkgDependency(string Id, NuGetVersion Version);

/// <summary>
/// What a function package's .nupkg says: the nuspec's fields (one package type, one dependency group for
/// <see cref="TargetFramework"/>) and its files. <see cref="Authors"/> are distinct, in order.
/// </summary>
public sealed record NupkgContent(
    string Id, NuGetVersion Version, string Description, IReadOnlyList<string> Authors,
    string TargetFramework, IReadOnlyList<NupkgDependency> Dependencies, IReadOnlyList<NupkgFile> Files);

/// <summary>
/// Writes a function package's .nupkg directly with System.IO.Compression and System.Xml.Linq (both in the framework,
/// already precompiled), so a packaging run loads and JIT-compiles no NuGet.Packaging code (issue 12). The bytes are
/// those NuGet.Packaging 7.9.0's <c>PackageBuilder(deterministic: true)</c> with <c>DeterministicTimestamp</c> writes
/// for the same content — the packages this SDK always produced — entry for entry: <c>_rels/.rels</c>, the nuspec,
/// the files sorted by path (ordinal), <c>[Content_Types].xml</c>, then <c>nuget.psmdcp</c>; deflate (Optimal), every
/// entry stamped <see cref="FunctionPackageFormat.DeterministicTimestamp"/>, written by <see cref="PackageZip"/>. NupkgWriterTests hold it to that, shape by
/// shape, against PackageBuilder itself.
/// </summary>
public static class NupkgWriter
{
    private const string PsmdcpPath = "package/services/metadata/core-properties/nuget.psmdcp";
    private const string Octet = "application/octet";

    /// <summary>
    /// PackageBuilder's <c>lastModifiedBy</c>: its assembly's full name and target framework, here those of the 7.9.0
    /// net8.0 build the SDK packaged with. Kept as it was so that packages stay byte-identical.
    /// </summary>
    private const string Creator = "NuGet.Packaging, Version=7.9.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35;.NET 8.0";

    private static readonly XNamespace Relationships = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static readonly XNamespace ContentTypes = "http://schemas.openxmlformats.org/package/2006/content-types";
    private static readonly XNamespace CoreProperties = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly Uri PartUriBase = new("http://defaultcontainer/");

    public static void Write(Stream output, NupkgContent content) => PackageZip.Write(output, Entries(content));

    /// <summary>The package's zip entries in PackageBuilder's order, <see cref="NupkgFile.Path"/> each one's entry name.</summary>
    public static IReadOnlyList<NupkgFile> Entries(NupkgContent content)
    {
        var nuspecPath = content.Id + ".nuspec";
        var files = content.Files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var entries = new List<NupkgFile>(files.Count + 4);

        entries.Add(Text("_rels/.rels", new XDocument(new XElement(Relationships + "Relationships",
            Relationship("http://schemas.microsoft.com/packaging/2010/07/manifest", "/" + nuspecPath),
            Relationship("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "/" + PsmdcpPath)))));

        // The nuspec is saved to the entry's stream itself (UTF-8 with a BOM), the other XML parts through a StreamWriter (no BOM).
        entries.Add(Recorded(nuspecPath, stream => Nuspec(content).Save(stream)));

        var extensions = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var withoutExtension = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file.Path);
            if (extension.Length > 0) extensions.Add(extension.Substring(1));
            else withoutExtension.Add("/" + file.Path.Replace('\\', '/'));
            // PackageBuilder leaves out any file named *.nuspec (only its own nuspec is one), yet lists its extension.
            if (file.Path.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)) continue;
            entries.Add(file with { Path = PartName(file.Path) });
        }
        extensions.Add("nuspec");

        var types = new XElement(ContentTypes + "Types",
            new XElement(ContentTypes + "Default", new XAttribute("Extension", "rels"), new XAttribute("ContentType", "application/vnd.openxmlformats-package.relationships+xml")),
            new XElement(ContentTypes + "Default", new XAttribute("Extension", "psmdcp"), new XAttribute("ContentType", "application/vnd.openxmlformats-package.core-properties+xml")));
        foreach (var extension in extensions)
            types.Add(new XElement(ContentTypes + "Default", new XAttribute("Extension", extension), new XAttribute("ContentType", Octet)));
        foreach (var partName in withoutExtension)
            types.Add(new XElement(ContentTypes + "Override", new XAttribute("PartName", partName), new XAttribute("ContentType", Octet)));
        entries.Add(Text("[Content_Types].xml", new XDocument(types)));

        entries.Add(Text(PsmdcpPath, new XDocument(new XElement(CoreProperties + "coreProperties",
            new XAttribute(XNamespace.Xmlns + "dc", Dc.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "dcterms", "http://purl.org/dc/terms/"),
            new XAttribute(XNamespace.Xmlns + "xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            new XElement(Dc + "creator", string.Join(", ", content.Authors)),
            new XElement(Dc + "description", content.Description),
            new XElement(Dc + "identifier", content.Id),
            new XElement(CoreProperties + "version", content.Version.ToString()),
            new XElement(CoreProperties + "keywords", ""),
            new XElement(CoreProperties + "lastModifiedBy", Creator)))));
        return entries;
    }

    private static XDocument Nuspec(NupkgContent content)
    {
        // NuGet's schema version: 6 (2013/05) once a dependency exists (PackageBuilder counts every dependency as having
        // include/exclude lists), else 4 (2012/06) for a dependency group with a target framework.
        XNamespace ns = content.Dependencies.Count > 0
            ? "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"
            : "http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd";
        var group = new XElement(ns + "group", new XAttribute("targetFramework", TargetFrameworks.NuspecName(content.TargetFramework)));
        foreach (var dependency in content.Dependencies)
            group.Add(new XElement(ns + "dependency", new XAttribute("id", dependency.Id), new XAttribute("version", $"[{dependency.Version.ToNormalizedString()}]")));
        return new XDocument(new XElement(ns + "package", new XElement(ns + "metadata",
            new XElement(ns + "id", content.Id),
            new XElement(ns + "version", content.Version.ToFullString()),
            new XElement(ns + "authors", string.Join(",", content.Authors)),
            new XElement(ns + "requireLicenseAcceptance", "false"),
            new XElement(ns + "description", content.Description.Trim()),
            new XElement(ns + "packageTypes", new XElement(ns + "packageType", new XAttribute("name", FunctionPackageFormat.PackageType))),
            new XElement(ns + "dependencies", group))));
    }

    private static XElement Relationship(string type, string target) => new(Relationships + "Relationship",
        new XAttribute("Type", type), new XAttribute("Target", target), new XAttribute("Id", RelationshipId(target)));

    /// <summary>OPC relationship id as PackageBuilder makes it: R + the first 16 hex digits of the target's SHA-512.</summary>
    private static string RelationshipId(string target)
        => "R" + Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(target))).Substring(0, 16);

    /// <summary>
    /// The zip entry name of a package path as PackageBuilder resolves it: each segment URI-escaped, then read back as
    /// the relative part URI (so <c>.</c>/<c>..</c> segments resolve and escapes come back as the characters).
    /// </summary>
    private static string PartName(string path)
    {
        var escaped = string.Join("/", path.Split('/', '\\').Select(Uri.EscapeDataString));
        var partUri = new Uri(PartUriBase, escaped);
        var relative = new Uri(partUri.GetComponents(UriComponents.Path, UriFormat.SafeUnescaped), UriKind.Relative);
        return relative.GetComponents(UriComponents.SerializationInfoString, UriFormat.Unescaped);
    }

    /// <summary>An XML part through a StreamWriter, flushed, as PackageBuilder wrote it.</summary>
    private static NupkgFile Text(string name, XDocument document) => Recorded(name, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        document.Save(writer);
        writer.Flush();
    });

    /// <summary>The bytes <paramref name="write"/> writes to an entry's stream, with its write and flush calls.</summary>
    private static NupkgFile Recorded(string name, Action<Stream> write)
    {
        var recording = new RecordingStream();
        write(recording);
        return new NupkgFile(name, Bytes: recording.Bytes.ToArray(), Writes: recording.Calls.ToArray());
    }

    /// <summary>Keeps what is written and how; like a zip entry's stream, write-only and not seekable.</summary>
    private sealed class RecordingStream : Stream
    {
        public MemoryStream Bytes { get; } = new();
        public List<int> Calls { get; } = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Flush() => Calls.Add(NupkgFile.Flush);
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Bytes.Write(buffer);
            Calls.Add(buffer.Length);
        }
        public override void WriteByte(byte value) => Write(new[] { value });
    }
}
