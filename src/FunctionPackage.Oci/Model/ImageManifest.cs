using System.Text.Json.Serialization;

namespace FunctionPackage.Oci.Model;

/// <summary>An OCI 1.1 image manifest (or Docker v2 schema 2, which has the same shape); also an OCI artifact.</summary>
public sealed record ImageManifest
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    [JsonPropertyName("mediaType")] public required string MediaType { get; init; }
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    [JsonPropertyName("config")] public required Descriptor Config { get; init; }
    [JsonPropertyName("layers")] public required IReadOnlyList<Descriptor> Layers { get; init; }
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; init; }
}

/// <summary>An OCI image index (or Docker manifest list): one manifest per platform, or a referrers list.</summary>
public sealed record ImageIndex
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = MediaTypes.OciIndex;
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    [JsonPropertyName("manifests")] public IReadOnlyList<Descriptor> Manifests { get; init; } = Array.Empty<Descriptor>();
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; init; }
}

/// <summary>Well-known annotation keys.</summary>
public static class Annotations
{
    public const string Title = "org.opencontainers.image.title";
    public const string RefName = "org.opencontainers.image.ref.name";
    public const string Created = "org.opencontainers.image.created";
}
