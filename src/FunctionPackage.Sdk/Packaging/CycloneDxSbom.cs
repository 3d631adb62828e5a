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
    public static string Hex(string base64Sha512) => Convert.ToHexString(Convert.FromBase64String(base64Sha512)).ToLowerInvariant();

    /// <param name="manifest">The finished manifest, its <c>files[]</c> not yet listing the SBOM itself.</param>
    /// <param name="edges">The deps.json graph; an edge to a package outside the closure is left out.</param>
    public static byte[] Create(FunctionManifest manifest, RuntimeDependencyEdges edges)
    {
        var body = Write(manifest, edges, serialNumber: null);
        return Write(manifest, edges, SerialNumberOf(body));
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

    private static byte[] Write(FunctionManifest manifest, RuntimeDependencyEdges edges, string? serialNumber)
    {
        var rootRef = Purl(manifest.Id, manifest.Version);
        var byId = manifest.Dependencies.ToDictionary(d => d.Id, StringComparer.OrdinalIgnoreCase);
        string RefOf(string id) => Purl(byId[id].Id, byId[id].Version);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", SpecVersion);
            if (serialNumber is not null) json.WriteString("serialNumber", serialNumber);
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
                json.WriteStartObject();
                json.WriteString("type", "library");
                json.WriteString("bom-ref", Purl(dependency.Id, dependency.Version));
                json.WriteString("name", dependency.Id);
                json.WriteString("version", dependency.Version);
                json.WriteString("scope", "required");
                WriteHashes(json, dependency.Sha512);
                json.WriteString("purl", Purl(dependency.Id, dependency.Version));
                WriteProperties(json, (EmbeddedProperty, FunctionPackageFormat.IsEmbedded(manifest, dependency) ? "true" : "false"));
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("dependencies");
            WriteDependency(json, rootRef, edges.Root.Where(byId.ContainsKey).Select(RefOf));
            foreach (var dependency in manifest.Dependencies)
                WriteDependency(json, Purl(dependency.Id, dependency.Version), edges.Of(dependency.Id).Where(byId.ContainsKey).Select(RefOf));
            json.WriteEndArray();

            json.WriteEndObject();
        }
        // Utf8JsonWriter ends lines with Environment.NewLine: one form, so Windows and Linux give one byte stream.
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n");
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

    private static void WriteDependency(Utf8JsonWriter json, string reference, IEnumerable<string> dependsOn)
    {
        json.WriteStartObject();
        json.WriteString("ref", reference);
        json.WriteStartArray("dependsOn");
        foreach (var target in dependsOn.Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal)) json.WriteStringValue(target);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
