using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FunctionPackage.Model;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// The package's SBOM: a CycloneDX 1.6 JSON document of the function's runtime closure (docs/package-format.md, "SBOM").
/// Root component: the function, with its own files (function/…) as nested file components and their SHA-512;
/// one library component per dependency with purl, the NuGet content hash as hex SHA-512 and whether it is embedded;
/// the dependency graph from the deps.json. Deterministic: no timestamp, and a serial number derived from the rest
/// of the document, so equal inputs give equal bytes.
/// </summary>
public static class CycloneDxSbom
{
    public const string SpecVersion = "1.6";
    /// <summary>Our property names (CycloneDX lets tools name their own, namespaced).</summary>
    public const string EmbeddedProperty = "functionpackage:embedded";
    public const string DependencyModeProperty = "functionpackage:dependencyMode";
    public const string EntryPointProperty = "functionpackage:entryPoint";
    public const string TfmProperty = "functionpackage:tfm";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // purls and paths stay readable ("@", "+" unescaped); still valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The purl of a NuGet package: <c>pkg:nuget/&lt;id&gt;@&lt;version&gt;</c>, percent-encoded per the purl spec.</summary>
    public static string Purl(string id, string version) => $"pkg:nuget/{Uri.EscapeDataString(id)}@{Uri.EscapeDataString(version)}";

    /// <summary>NuGet's base64 SHA-512 as the lower-case hex CycloneDX's <c>hash-content</c> requires.</summary>
    public static string Hex(string base64Sha512)
    {
        var bytes = Convert.FromBase64String(base64Sha512);
        return string.Create(bytes.Length * 2, bytes, static (hex, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                hex[2 * i] = HexDigits[bytes[i] >> 4];
                hex[2 * i + 1] = HexDigits[bytes[i] & 0xF];
            }
        });
    }

    private const string HexDigits = "0123456789abcdef";

    /// <param name="manifest">The finished manifest, its <c>files[]</c> not yet listing the SBOM itself.</param>
    /// <param name="edges">The deps.json graph; an edge to a package outside the closure is left out.</param>
    public static byte[] Create(FunctionManifest manifest, RuntimeDependencyEdges edges)
    {
        // The serial number is derived from the document without it, so the document is written once and the member
        // spliced in right after specVersion, where Utf8JsonWriter puts it (the writer emits the comma before a member).
        var body = Write(manifest, edges, out var serialNumberAt);
        var serialNumber = Encoding.UTF8.GetBytes($",{Environment.NewLine}  \"serialNumber\": \"{SerialNumberOf(WithUnixLineEnds(body))}\"");
        var document = new byte[body.Length + serialNumber.Length];
        body.AsSpan(0, serialNumberAt).CopyTo(document);
        serialNumber.CopyTo(document.AsSpan(serialNumberAt));
        body.AsSpan(serialNumberAt).CopyTo(document.AsSpan(serialNumberAt + serialNumber.Length));
        return WithUnixLineEnds(document);
    }

    /// <summary>A UUID (version 5 layout, as the schema's pattern demands) from the SHA-512 of the document without it.</summary>
    private static string SerialNumberOf(byte[] body)
    {
        var bytes = SHA512.HashData(body).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexString(bytes).ToLowerInvariant();
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>
    /// Utf8JsonWriter ends lines with Environment.NewLine: one form, so Windows and Linux give one byte stream; and a
    /// final line end. On Linux the bytes are already in that form (no text round trip).
    /// </summary>
    private static byte[] WithUnixLineEnds(byte[] json)
    {
        if (Environment.NewLine == "\n")
        {
            var withEnd = new byte[json.Length + 1];
            json.CopyTo(withEnd, 0);
            withEnd[^1] = (byte)'\n';
            return withEnd;
        }
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json).Replace("\r\n", "\n") + "\n");
    }

    /// <summary>The document without its serialNumber member.</summary>
    /// <param name="manifest">As <see cref="Create"/>.</param>
    /// <param name="edges">As <see cref="Create"/>.</param>
    /// <param name="serialNumberAt">Where the serialNumber member goes: the offset right after specVersion's value.</param>
    private static byte[] Write(FunctionManifest manifest, RuntimeDependencyEdges edges, out int serialNumberAt)
    {
        var rootRef = Purl(manifest.Id, manifest.Version);
        // Each purl once: a dependency's is its bom-ref, its purl and every reference to it in dependencies[].
        var purls = manifest.Dependencies.ToDictionary(d => d.Id, d => Purl(d.Id, d.Version), StringComparer.OrdinalIgnoreCase);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", SpecVersion);
            json.Flush();
            serialNumberAt = (int)buffer.Length;
            json.WriteNumber("version", 1);

            json.WriteStartObject("metadata");
            json.WriteStartObject("tools");
            json.WriteStartArray("components");
            json.WriteStartObject();
            json.WriteString("type", "application");
            json.WriteString("name", "FunctionPackage.Sdk");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            WriteRoot(json, manifest, rootRef);
            json.WriteEndObject();

            json.WriteStartArray("components");
            foreach (var dependency in manifest.Dependencies)
            {
                var purl = purls[dependency.Id];
                json.WriteStartObject();
                json.WriteString("type", "library");
                json.WriteString("bom-ref", purl);
                json.WriteString("name", dependency.Id);
                json.WriteString("version", dependency.Version);
                json.WriteString("scope", "required");
                WriteHashes(json, dependency.Sha512);
                json.WriteString("purl", purl);
                WriteProperties(json, (EmbeddedProperty, FunctionPackageFormat.IsEmbedded(manifest, dependency) ? "true" : "false"));
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("dependencies");
            WriteDependency(json, rootRef, DependsOn(edges.Root, purls));
            foreach (var dependency in manifest.Dependencies)
                WriteDependency(json, purls[dependency.Id], DependsOn(edges.Of(dependency.Id), purls));
            json.WriteEndArray();

            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The purls of the closure's packages among <paramref name="ids"/>, distinct, in ordinal order.</summary>
    private static List<string> DependsOn(IReadOnlyCollection<string> ids, Dictionary<string, string> purls)
    {
        var dependsOn = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (purls.TryGetValue(id, out var purl)) dependsOn.Add(purl);
        }
        dependsOn.Sort(StringComparer.Ordinal);
        return dependsOn;
    }

    private static void WriteRoot(Utf8JsonWriter json, FunctionManifest manifest, string rootRef)
    {
        json.WriteStartObject("component");
        json.WriteString("type", "application");
        json.WriteString("bom-ref", rootRef);
        json.WriteString("name", manifest.Id);
        json.WriteString("version", manifest.Version);
        if (manifest.Description is not null) json.WriteString("description", manifest.Description);
        json.WriteString("purl", rootRef);
        WriteProperties(json,
            (DependencyModeProperty, manifest.DependencyMode),
            (EntryPointProperty, manifest.EntryPoint.Reference),
            (TfmProperty, manifest.Runtime.Tfm));
        // The function's own files carry its hashes: the package's own hash cannot be inside it.
        json.WriteStartArray("components");
        foreach (var file in manifest.Files.Where(f => f.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("type", "file");
            json.WriteString("bom-ref", "file:" + file.Path);
            json.WriteString("name", file.Path);
            WriteHashes(json, file.Sha512);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteHashes(Utf8JsonWriter json, string base64Sha512)
    {
        json.WriteStartArray("hashes");
        json.WriteStartObject();
        json.WriteString("alg", "SHA-512");
        json.WriteString("content", Hex(base64Sha512));
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteProperties(Utf8JsonWriter json, params (string Name, string Value)[] properties)
    {
        json.WriteStartArray("properties");
        foreach (var (name, value) in properties)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteDependency(Utf8JsonWriter json, string reference, List<string> dependsOn)
    {
        json.WriteStartObject();
        json.WriteString("ref", reference);
        json.WriteStartArray("dependsOn");
        for (var i = 0; i < dependsOn.Count; i++)
        {
            // Distinct: two ids differing only in case would name one package (ids are case-insensitive).
            if (i == 0 || !string.Equals(dependsOn[i], dependsOn[i - 1], StringComparison.Ordinal)) json.WriteStringValue(dependsOn[i]);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
