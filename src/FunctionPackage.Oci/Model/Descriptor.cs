using System.Text.Json.Serialization;

namespace FunctionPackage.Oci.Model;

/// <summary>An OCI content descriptor: what a manifest, index or layer is, by digest and size.</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")] public required string MediaType { get; init; }
    [JsonPropertyName("digest")] public required string Digest { get; init; }
    [JsonPropertyName("size")] public required long Size { get; init; }
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    [JsonPropertyName("data")] public string? Data { get; init; }
    [JsonPropertyName("platform")] public Platform? Platform { get; init; }
    [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>The descriptor of <paramref name="content"/> with <paramref name="mediaType"/>.</summary>
    public static Descriptor Of(string mediaType, byte[] content) =>
        new() { MediaType = mediaType, Digest = Oci.Digest.Of(content), Size = content.Length };

    /// <summary>The OCI 1.1 empty config: the 2-byte blob <c>{}</c>, inlined as <c>data</c>.</summary>
    public static readonly byte[] EmptyJson = "{}"u8.ToArray();

    public static Descriptor Empty => Of(MediaTypes.OciEmpty, EmptyJson) with { Data = Convert.ToBase64String(EmptyJson) };
}

/// <summary>An image's platform: os, architecture and, for ARM, the variant.</summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")] public required string Architecture { get; init; }
    [JsonPropertyName("os")] public required string Os { get; init; }
    [JsonPropertyName("os.version")] public string? OsVersion { get; init; }
    [JsonPropertyName("variant")] public string? Variant { get; init; }

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    /// <summary>The platform this process runs on, in OCI's (Go's) names.</summary>
    public static Platform Current => new()
    {
        Os = OperatingSystem.IsWindows() ? "windows" : "linux",
        Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            var other => other.ToString().ToLowerInvariant(),
        },
    };

    /// <summary>
    /// Whether an index entry's platform serves a request for this one: os and architecture equal; the variant equal
    /// when asked for (arm64's "v8" is also what an entry without a variant means).
    /// </summary>
    public bool Serves(Platform wanted)
    {
        if (!string.Equals(Os, wanted.Os, StringComparison.Ordinal) || !string.Equals(Architecture, wanted.Architecture, StringComparison.Ordinal)) return false;
        if (wanted.Variant is null) return true;
        var variant = Variant ?? (Architecture == "arm64" ? "v8" : null);
        return string.Equals(variant, wanted.Variant, StringComparison.Ordinal);
    }
}
