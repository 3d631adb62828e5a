using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FunctionPackage.Oci.Model;

/// <summary>
/// The one serializer setting for every document we write: compact, nulls left out, properties in declaration order,
/// maps sorted — the same object always gives the same bytes, so the same digest. Documents are read by
/// <see cref="OciDocumentReader"/>.
/// </summary>
public static class OciJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Source-generated metadata for the OCI documents (no reflection or IL emit at run time: the reflection resolver's
        // warm-up was a visible part of a push); reflection for anything else.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(OciJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class OciJsonContext : JsonSerializerContext
{
}
