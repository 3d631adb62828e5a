using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FunctionPackage.Oci.Model;

/// <summary>
/// The one serializer setting for every document we write: compact, nulls left out, properties in declaration order,
/// maps sorted — the same object always gives the same bytes, so the same digest.
/// </summary>
public static class OciJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Source-generated metadata for the OCI documents (no reflection or IL emit at run time: an oci:// install reads
        // two documents, and the reflection resolver's warm-up was a visible part of it); reflection for anything else.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(OciJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Parses <paramref name="content"/>; malformed JSON is the media-type error naming <paramref name="what"/>.</summary>
    public static T Deserialize<T>(byte[] content, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(content, Options) ?? throw new JsonException("null document");
        }
        catch (JsonException e)
        {
            throw new OciException(OciErrors.UnknownMediaType, $"{what} is not valid JSON of its media type ({e.Message}). Use an OCI or Docker v2 image.", e);
        }
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class OciJsonContext : JsonSerializerContext
{
}
