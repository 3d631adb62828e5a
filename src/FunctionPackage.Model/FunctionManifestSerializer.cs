using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionPackage.Model;

/// <summary>Reads and writes <c>function.json</c>. Writing is canonical: same manifest, same bytes.</summary>
public static class FunctionManifestSerializer
{
    // Source-generated metadata: no reflection at run time, which keeps the first (cold) packaging in a fresh
    // MSBuild process fast. Options mirror the [JsonSourceGenerationOptions] below plus the encoder.
    private static readonly JsonSerializerOptions Options = new(FunctionManifestJsonContext.Default.Options)
    {
        // Readable '+' in base64 hashes; the manifest is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly FunctionManifestJsonContext Context = new(Options);

    /// <summary>Sorts every collection ordinally, then serialises as UTF-8 (no BOM) with <c>\n</c> line ends.</summary>
    public static byte[] Serialize(FunctionManifest manifest)
    {
        Normalize(manifest);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, Context.FunctionManifest);
        // The writer ends lines with Environment.NewLine: already "\n" on Linux and macOS, so no text round trip there.
        if (Environment.NewLine != "\n")
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Encoding.UTF8.GetString(json).Replace("\r\n", "\n") + "\n");
        var withEnd = new byte[json.Length + 1];
        json.CopyTo(withEnd, 0);
        withEnd[^1] = (byte)'\n';
        return withEnd;
    }

    /// <exception cref="FormatException">The bytes are not a function manifest.</exception>
    public static FunctionManifest Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8Json, Context.FunctionManifest)
                ?? throw new FormatException("function.json is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"function.json is not valid JSON: {ex.Message}", ex);
        }
    }

    public static FunctionManifest Deserialize(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Deserialize(buffer.ToArray());
    }

    /// <summary>Ordinal order everywhere so that output never depends on MSBuild item order or the file system.</summary>
    public static void Normalize(FunctionManifest manifest)
    {
        manifest.Dependencies.Sort((a, b) =>
        {
            var byId = string.CompareOrdinal(a.Id.ToLowerInvariant(), b.Id.ToLowerInvariant());
            return byId != 0 ? byId : string.CompareOrdinal(a.Version, b.Version);
        });
        foreach (var dependency in manifest.Dependencies)
        {
            dependency.Assets.Sort((a, b) =>
            {
                var byPath = string.CompareOrdinal(a.PathInPackage, b.PathInPackage);
                return byPath != 0 ? byPath : string.CompareOrdinal(a.Destination, b.Destination);
            });
        }
        manifest.Files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        manifest.Runtime.Frameworks.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        manifest.Sources = manifest.Sources.Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(FunctionManifest))]
internal sealed partial class FunctionManifestJsonContext : JsonSerializerContext
{
}
