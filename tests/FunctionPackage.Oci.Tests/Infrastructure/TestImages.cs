using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Tests.Infrastructure;

/// <summary>Small images built from scratch for registry round trips.</summary>
public static class TestImages
{
    public static readonly Platform Linux = new() { Os = "linux", Architecture = "amd64" };

    /// <summary>Two layers: a "dependencies" layer (fixed) and an "app" layer holding <paramref name="appText"/>.</summary>
    public static BuiltImage TwoLayers(string blobFolder, string appText, int dependencyBytes = 4096)
    {
        var dependencies = LayerWriter.WriteToFolder(new[]
        {
            LayerEntry.File("deps/lib.bin", Enumerable.Range(0, dependencyBytes).Select(i => (byte)(i * 31 % 251)).ToArray()),
            LayerEntry.File("deps/readme.txt", "shared"u8.ToArray()),
        }, blobFolder, mtime: 0);
        var app = LayerWriter.WriteToFolder(new[]
        {
            LayerEntry.File("app/hello.txt", System.Text.Encoding.UTF8.GetBytes(appText)),
            LayerEntry.File("app/run.sh", "#!/bin/sh\necho hi\n"u8.ToArray(), LayerEntry.ExecutableMode),
        }, blobFolder, mtime: 0);
        return ImageBuilder.Build(BaseImage.Scratch(Linux), new[] { new NewLayer(dependencies, "dependencies"), new NewLayer(app, "app") }, new ImageSettings
        {
            Entrypoint = new[] { "/app/run.sh" },
            Env = new[] { KeyValuePair.Create("GREETING", "hello") },
            WorkingDir = "/app",
            User = "1000",
            ExposedPorts = new[] { 8080 },
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "test" },
        });
    }

    public static BlobResolver Resolver(string cacheFolder, params RegistryClient[] clients) =>
        new(cacheFolder, registry => clients.First(c => c.Registry == registry));
}
