using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Output;

/// <summary>
/// One file stored as an OCI 1.1 artifact, as ORAS stores it: <c>artifactType</c> set, the empty config, one layer
/// holding the unchanged file with its name in <c>org.opencontainers.image.title</c>; optionally a <c>subject</c>
/// (a signature or SBOM pointing at what it describes). The groundwork for <c>fnpkg push oci://…</c> (issue 10).
/// </summary>
public static class OciArtifacts
{
    /// <summary>The artifact's manifest (bytes are deterministic: the same file and options give the same digest).</summary>
    public static ImageManifest Manifest(string artifactType, Descriptor layer, Descriptor? subject = null, IReadOnlyDictionary<string, string>? annotations = null) => new()
    {
        MediaType = MediaTypes.OciManifest,
        ArtifactType = artifactType,
        Config = Descriptor.Empty,
        Layers = new[] { layer },
        Subject = subject,
        Annotations = annotations is null || annotations.Count == 0 ? null : new SortedDictionary<string, string>(annotations.ToDictionary(), StringComparer.Ordinal),
    };

    /// <summary>
    /// Pushes <paramref name="path"/> as an artifact under <paramref name="tag"/>. When the tag already names the same
    /// manifest this is one HEAD and nothing is uploaded. Returns the manifest's descriptor.
    /// </summary>
    public static async Task<Descriptor> PushFileAsync(RegistryClient client, string repository, string tag, string artifactType, string layerMediaType, string path,
        Descriptor? subject = null, IReadOnlyDictionary<string, string>? annotations = null, CancellationToken cancellationToken = default)
    {
        Descriptor layer;
        await using (var file = File.OpenRead(path))
        using (var hashing = new HashingStream(Stream.Null))
        {
            await file.CopyToAsync(hashing, cancellationToken).ConfigureAwait(false);
            layer = new Descriptor
            {
                MediaType = layerMediaType, Digest = hashing.Digest, Size = hashing.BytesCounted,
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Annotations.Title] = Path.GetFileName(path) },
            };
        }
        var manifest = Manifest(artifactType, layer, subject, annotations);
        var bytes = OciJson.Serialize(manifest);
        if ((await client.HeadManifestAsync(repository, tag, cancellationToken).ConfigureAwait(false))?.Digest == Digest.Of(bytes))
        {
            return Descriptor.Of(manifest.MediaType, bytes);
        }
        await client.UploadBlobAsync(repository, Descriptor.Empty, () => new MemoryStream(Descriptor.EmptyJson, writable: false), cancellationToken).ConfigureAwait(false);
        await client.UploadBlobAsync(repository, layer, () => File.OpenRead(path), cancellationToken).ConfigureAwait(false);
        return await client.PutManifestAsync(repository, tag, manifest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The manifest of the artifact <paramref name="reference"/> (tag or digest, digest-checked) and its descriptor; an
    /// index, an image, another artifact type or a manifest without exactly one layer is FPKG6020.
    /// </summary>
    public static async Task<(Descriptor Descriptor, ImageManifest Manifest)> GetManifestAsync(RegistryClient client, string repository, string reference, string artifactType,
        CancellationToken cancellationToken = default)
    {
        var content = await client.GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        return (content.Descriptor, ArtifactManifest(client, repository, reference, artifactType, content));
    }

    private static ImageManifest ArtifactManifest(RegistryClient client, string repository, string reference, string artifactType, ManifestContent content)
    {
        var what = $"{client.Registry}/{repository}:{reference}";
        if (!MediaTypes.IsManifest(content.Descriptor.MediaType)) throw OciErrors.NotTheArtifact(what, artifactType, $"an index ({content.Descriptor.MediaType})");
        var manifest = content.AsManifest();
        var actualType = manifest.ArtifactType ?? manifest.Config.MediaType;
        if (actualType != artifactType) throw OciErrors.NotTheArtifact(what, artifactType, $"of type {actualType}");
        if (manifest.Layers.Count != 1) throw OciErrors.NotTheArtifact(what, artifactType, $"{manifest.Layers.Count} layers, not 1");
        return manifest;
    }

    /// <summary>
    /// Pulls the artifact <paramref name="reference"/> (tag or digest) into <paramref name="destinationFolder"/> under its
    /// title, digest-checked, through a temp file. A manifest of another artifact type, an image, or one without exactly
    /// one titled layer is FPKG6020.
    /// </summary>
    public static async Task<string> PullFileAsync(RegistryClient client, string repository, string reference, string artifactType, string destinationFolder, CancellationToken cancellationToken = default)
    {
        // The manifest checked without GetManifestAsync's await around it: one async method fewer on the pull path.
        var manifest = ArtifactManifest(client, repository, reference, artifactType, await client.GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false));
        var what = $"{client.Registry}/{repository}:{reference}";
        var layer = manifest.Layers[0];
        var title = layer.Annotations?.GetValueOrDefault(Annotations.Title);
        // The title becomes a file name here: only a plain name, never a path that could leave the folder.
        if (string.IsNullOrEmpty(title) || title != Path.GetFileName(title) || title is "." or ".." || title.Contains('\\'))
        {
            throw OciErrors.NotTheArtifact(what, artifactType, $"a layer title '{title}' that is not a plain file name");
        }
        Directory.CreateDirectory(destinationFolder);
        var destination = Path.Combine(destinationFolder, title);
        await client.DownloadBlobAsync(repository, layer, destination, cancellationToken).ConfigureAwait(false);
        return destination;
    }
}
