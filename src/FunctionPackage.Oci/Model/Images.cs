namespace FunctionPackage.Oci.Model;

/// <summary>Where a base image's blob can be fetched from when it is not on disk.</summary>
public sealed record BlobOrigin(string Registry, string Repository);

/// <summary>A blob an image refers to: on disk (<see cref="LocalPath"/>), in a registry (<see cref="Origin"/>), or both.</summary>
public sealed record ImageBlob(Descriptor Descriptor, string? LocalPath, BlobOrigin? Origin);

/// <summary>
/// The image a new one is built on: its platform manifest, its config's bytes and its layers (left in their registry
/// until a push or a layout needs them). <see cref="Scratch"/> is the empty image.
/// </summary>
public sealed record BaseImage(string Name, ImageManifest Manifest, byte[] ConfigBytes, IReadOnlyList<ImageBlob> Layers)
{
    public bool IsDocker => MediaTypes.IsDocker(Manifest.MediaType);

    public static BaseImage Scratch(Platform platform) => new(
        "scratch",
        new ImageManifest { MediaType = MediaTypes.OciManifest, Config = Descriptor.Empty, Layers = Array.Empty<Descriptor>() },
        ImageConfig.Scratch(platform).ToBytes(),
        Array.Empty<ImageBlob>());
}

/// <summary>What the new image's config says, on top of the base's (whose Env entries are kept unless overridden).</summary>
public sealed record ImageSettings
{
    public IReadOnlyList<string>? Entrypoint { get; init; }
    /// <summary>Null keeps the base's Cmd only when Entrypoint is null too; setting an Entrypoint clears the base's Cmd.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = Array.Empty<KeyValuePair<string, string>>();
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<int> ExposedPorts { get; init; } = Array.Empty<int>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>The config's <c>created</c> and history times: fixed, so the config's digest is reproducible.</summary>
    public DateTimeOffset Created { get; init; } = DateTimeOffset.FromUnixTimeSeconds(Layers.LayerWriter.DefaultMtime());
    public IReadOnlyDictionary<string, string> ManifestAnnotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>A new layer and the history line that says what made it.</summary>
public sealed record NewLayer(Layers.Layer Layer, string CreatedBy);

/// <summary>A built image: its manifest and config (bytes and descriptors) and every layer blob, base layers first.</summary>
public sealed record BuiltImage(ImageManifest Manifest, byte[] ManifestBytes, byte[] ConfigBytes, IReadOnlyList<ImageBlob> Layers)
{
    public Descriptor ManifestDescriptor => Descriptor.Of(Manifest.MediaType, ManifestBytes);
    public string Digest => ManifestDescriptor.Digest;
}
