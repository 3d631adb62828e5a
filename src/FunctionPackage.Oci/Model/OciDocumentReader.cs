using System.Text.Json;

namespace FunctionPackage.Oci.Model;

/// <summary>
/// Reads manifests and indexes with <see cref="JsonDocument"/>, not the serializer that writes them (<see cref="OciJson"/>):
/// an <c>oci://</c> install reads one manifest, and the serializer's first use in a process (its options, type metadata
/// and converters) cost more than the parse (docs/benchmarks.md). The serializer's reading rules, kept: property names
/// case-sensitive, unknown properties ignored, the last of a repeated property wins, a missing required property or a
/// value of the wrong JSON type is malformed (FPKG6010). Different on purpose: a required value may not be null; a
/// property left out keeps the record's default (the serializer set default(T)); annotation maps are ordered
/// ordinally, as the writers build them.
/// </summary>
public static class OciDocumentReader
{
    public static ImageManifest ReadManifest(byte[] content, string what) => Read(content, what, ManifestFrom);

    public static ImageIndex ReadIndex(byte[] content, string what) => Read(content, what, IndexFrom);

    private static T Read<T>(byte[] content, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // InvalidOperationException and FormatException: JsonElement's Get* on a value of another kind or range.
            throw new OciException(OciErrors.UnknownMediaType, $"{what} is not valid JSON of its media type ({e.Message}). Use an OCI or Docker v2 image.", e);
        }
    }

    private static ImageManifest ManifestFrom(JsonElement json)
    {
        int? schemaVersion = null;
        string? mediaType = null, artifactType = null;
        Descriptor? config = null, subject = null;
        IReadOnlyList<Descriptor>? layers = null;
        SortedDictionary<string, string>? annotations = null;
        foreach (var property in Properties(json, "manifest"))
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "schemaVersion": schemaVersion = value.GetInt32(); break;
                case "mediaType": mediaType = value.GetString(); break;
                case "artifactType": artifactType = value.GetString(); break;
                case "config": config = DescriptorOrNull(value); break;
                case "layers": layers = DescriptorsOrNull(value); break;
                case "subject": subject = DescriptorOrNull(value); break;
                case "annotations": annotations = AnnotationsOrNull(value); break;
            }
        }
        return new ImageManifest
        {
            SchemaVersion = schemaVersion ?? 2,
            MediaType = mediaType ?? throw Missing("manifest", "mediaType"),
            ArtifactType = artifactType,
            Config = config ?? throw Missing("manifest", "config"),
            Layers = layers ?? throw Missing("manifest", "layers"),
            Subject = subject,
            Annotations = annotations,
        };
    }

    private static ImageIndex IndexFrom(JsonElement json)
    {
        var index = new ImageIndex();
        foreach (var property in Properties(json, "index"))
        {
            var value = property.Value;
            index = property.Name switch
            {
                "schemaVersion" => index with { SchemaVersion = value.GetInt32() },
                "mediaType" => index with { MediaType = value.GetString() ?? throw new JsonException("the index's 'mediaType' is null") },
                "artifactType" => index with { ArtifactType = value.GetString() },
                "manifests" => index with { Manifests = DescriptorsOrNull(value) ?? throw new JsonException("the index's 'manifests' is null") },
                "subject" => index with { Subject = DescriptorOrNull(value) },
                "annotations" => index with { Annotations = AnnotationsOrNull(value) },
                _ => index,
            };
        }
        return index;
    }

    private static Descriptor? DescriptorOrNull(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null) return null;
        string? mediaType = null, digest = null, artifactType = null, data = null;
        long? size = null;
        Platform? platform = null;
        SortedDictionary<string, string>? annotations = null;
        foreach (var property in Properties(json, "descriptor"))
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "mediaType": mediaType = value.GetString(); break;
                case "digest": digest = value.GetString(); break;
                case "size": size = value.GetInt64(); break;
                case "artifactType": artifactType = value.GetString(); break;
                case "data": data = value.GetString(); break;
                case "platform": platform = PlatformOrNull(value); break;
                case "annotations": annotations = AnnotationsOrNull(value); break;
            }
        }
        return new Descriptor
        {
            MediaType = mediaType ?? throw Missing("descriptor", "mediaType"),
            Digest = digest ?? throw Missing("descriptor", "digest"),
            Size = size ?? throw Missing("descriptor", "size"),
            ArtifactType = artifactType,
            Data = data,
            Platform = platform,
            Annotations = annotations,
        };
    }

    private static IReadOnlyList<Descriptor>? DescriptorsOrNull(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null) return null;
        if (json.ValueKind != JsonValueKind.Array) throw new JsonException($"a descriptor list is a JSON array, not {json.ValueKind}");
        var list = new List<Descriptor>(json.GetArrayLength());
        foreach (var item in json.EnumerateArray()) list.Add(DescriptorOrNull(item) ?? throw new JsonException("a descriptor list holds null"));
        return list;
    }

    private static Platform? PlatformOrNull(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null) return null;
        string? architecture = null, os = null, osVersion = null, variant = null;
        foreach (var property in Properties(json, "platform"))
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "architecture": architecture = value.GetString(); break;
                case "os": os = value.GetString(); break;
                case "os.version": osVersion = value.GetString(); break;
                case "variant": variant = value.GetString(); break;
            }
        }
        return new Platform
        {
            Architecture = architecture ?? throw Missing("platform", "architecture"),
            Os = os ?? throw Missing("platform", "os"),
            OsVersion = osVersion,
            Variant = variant,
        };
    }

    private static SortedDictionary<string, string>? AnnotationsOrNull(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null) return null;
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in Properties(json, "annotations")) map[property.Name] = property.Value.GetString() ?? throw new JsonException($"annotation '{property.Name}' is null");
        return map;
    }

    private static JsonElement.ObjectEnumerator Properties(JsonElement json, string what) =>
        json.ValueKind == JsonValueKind.Object ? json.EnumerateObject() : throw new JsonException($"a {what} is a JSON object, not {json.ValueKind}");

    private static JsonException Missing(string what, string property) => new($"the {what} has no '{property}'");
}
