using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci;

/// <summary>Builds an image on a base: the base's layers, then new ones; the base's config with the settings applied.</summary>
public static class ImageBuilder
{
    /// <summary>
    /// Reads a base image from a registry: an index (OCI or Docker manifest list) is resolved to the manifest for
    /// <paramref name="platform"/>; the config is fetched and checked; layers stay in the registry.
    /// </summary>
    public static async Task<BaseImage> PullBaseAsync(RegistryClient client, ImageReference reference, Platform platform, CancellationToken cancellationToken = default)
    {
        var top = await client.GetManifestAsync(reference.Repository, reference.Reference, cancellationToken).ConfigureAwait(false);
        var manifestContent = top;
        if (MediaTypes.IsIndex(top.Descriptor.MediaType))
        {
            var chosen = SelectPlatform(top.AsIndex(), platform, reference.ToString());
            manifestContent = await client.GetManifestAsync(reference.Repository, chosen.Digest, cancellationToken).ConfigureAwait(false);
            if (!MediaTypes.IsManifest(manifestContent.Descriptor.MediaType)) throw OciErrors.UnknownType($"The manifest for {platform} in {reference}", manifestContent.Descriptor.MediaType);
        }
        var manifest = manifestContent.AsManifest();
        if (manifest.Config.MediaType is not (MediaTypes.OciConfig or MediaTypes.DockerConfig)) throw OciErrors.UnknownType($"The config of {reference}", manifest.Config.MediaType);
        var configBytes = await client.GetBlobBytesAsync(reference.Repository, manifest.Config, cancellationToken).ConfigureAwait(false);
        var config = ImageConfig.Parse(configBytes);
        if (config.DiffIds.Count != manifest.Layers.Count) throw OciErrors.BadBaseConfig($"{config.DiffIds.Count} diff_ids for {manifest.Layers.Count} layers");
        var origin = new BlobOrigin(client.Registry, reference.Repository);
        return new BaseImage(reference.ToString(), manifest, configBytes, manifest.Layers.Select(l => new ImageBlob(l, null, origin)).ToList());
    }

    /// <summary>The index entry for <paramref name="wanted"/> (os, architecture, variant when asked), or FPKG6011 listing what there is.</summary>
    public static Descriptor SelectPlatform(ImageIndex index, Platform wanted, string name)
    {
        var candidates = index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType) && m.Platform is not null).ToList();
        return candidates.FirstOrDefault(m => m.Platform!.Serves(wanted) && m.Platform!.Variant == wanted.Variant)
            ?? candidates.FirstOrDefault(m => m.Platform!.Serves(wanted))
            ?? throw OciErrors.NoPlatform(name, wanted.ToString(), candidates.Select(m => m.Platform!.ToString()).Distinct());
    }

    /// <summary>The image: base layers + <paramref name="layers"/>; config = the base's with <paramref name="settings"/>.</summary>
    public static BuiltImage Build(BaseImage baseImage, IReadOnlyList<NewLayer> layers, ImageSettings settings)
    {
        var docker = baseImage.IsDocker;
        var layerType = docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip;
        var config = ImageConfig.Parse(baseImage.ConfigBytes);
        if (settings.Entrypoint is not null)
        {
            config.SetEntrypoint(settings.Entrypoint.ToArray());
            config.SetCmd(settings.Cmd?.ToArray() ?? Array.Empty<string>()); // the base's Cmd was meant for its own Entrypoint
        }
        else if (settings.Cmd is not null)
        {
            config.SetCmd(settings.Cmd.ToArray());
        }
        foreach (var (name, value) in settings.Env) config.SetEnv(name, value);
        if (settings.WorkingDir is not null) config.SetWorkingDir(settings.WorkingDir);
        if (settings.User is not null) config.SetUser(settings.User);
        foreach (var port in settings.ExposedPorts) config.AddExposedPort(port);
        foreach (var (name, value) in settings.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) config.SetLabel(name, value);
        var blobs = baseImage.Layers.ToList();
        foreach (var layer in layers)
        {
            config.AddLayer(layer.Layer.DiffId, layer.CreatedBy, settings.Created);
            blobs.Add(new ImageBlob(layer.Layer.Descriptor with { MediaType = layerType }, layer.Layer.Path, null));
        }
        var configBytes = config.ToBytes();
        var manifest = new ImageManifest
        {
            MediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            Config = Descriptor.Of(docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, configBytes),
            Layers = blobs.Select(b => b.Descriptor).ToList(),
            Annotations = docker || settings.ManifestAnnotations.Count == 0 ? null : new SortedDictionary<string, string>(settings.ManifestAnnotations.ToDictionary(), StringComparer.Ordinal),
        };
        return new BuiltImage(manifest, OciJson.Serialize(manifest), configBytes, blobs);
    }
}
