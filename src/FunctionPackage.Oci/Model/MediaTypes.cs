namespace FunctionPackage.Oci.Model;

/// <summary>The OCI 1.1 and Docker v2 media types this library reads and writes.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;
    public static bool IsDocker(string? mediaType) => mediaType is DockerManifest or DockerManifestList;

    /// <summary>The Accept header for manifest GET/HEAD: every manifest and index type we understand.</summary>
    public static readonly IReadOnlyList<string> ManifestAccept = new[] { OciManifest, OciIndex, DockerManifest, DockerManifestList };
}
