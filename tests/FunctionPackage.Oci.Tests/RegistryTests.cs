using System.Text.Json;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests;

/// <summary>Round trips against a real docker-registry on 127.0.0.1, read back by skopeo and umoci.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryTests : IDisposable
{
    private readonly RegistryEnvironment _env;
    private readonly TestRoot _root = new("oci-registry-test");

    public RegistryTests(RegistryEnvironment env) => _env = env;

    public void Dispose() => _root.Dispose();

    private static string Repo(string name) => $"test/{name}-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task Pushed_image_is_read_back_by_skopeo_with_our_digest_config_and_layers()
    {
        using var client = _env.AnonymousClient();
        await client.PingAsync();
        var image = TestImages.TwoLayers(_root.Combine("blobs"), "v1");
        var repo = Repo("push");
        var result = await ImagePusher.PushAsync(image, client, repo, "1.0", TestImages.Resolver(_root.Combine("cache"), client));

        Assert.Equal(image.Digest, result.Manifest.Digest);
        Assert.Equal(3, result.BlobsUploaded);
        Assert.Equal(image.Layers.Sum(l => l.Descriptor.Size) + image.ConfigBytes.Length, result.BytesUploaded);

        var inspect = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--tls-verify=false", $"docker://{_env.Anonymous.Host}/{repo}:1.0")).RootElement;
        Assert.Equal(image.Digest, inspect.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Descriptor.Digest), inspect.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("amd64", inspect.GetProperty("Architecture").GetString());
        Assert.Contains("GREETING=hello", inspect.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        var config = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--config", "--tls-verify=false", $"docker://{_env.Anonymous.Host}/{repo}:1.0")).RootElement;
        Assert.Equal("/app/run.sh", config.GetProperty("config").GetProperty("Entrypoint")[0].GetString());
        Assert.Equal("1000", config.GetProperty("config").GetProperty("User").GetString());
        Assert.True(config.GetProperty("config").GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Equal(2, config.GetProperty("history").GetArrayLength());

        // Our own client reads it back, digest-checked.
        var manifest = await client.GetManifestAsync(repo, "1.0");
        Assert.Equal(image.ManifestBytes, manifest.Content);
        Assert.Equal(image.Digest, (await client.HeadManifestAsync(repo, "1.0"))!.Digest);
    }

    [Fact]
    public async Task Repush_after_an_app_change_uploads_only_the_app_layer_and_config()
    {
        using var client = _env.AnonymousClient();
        var repo = Repo("repush");
        var resolver = TestImages.Resolver(_root.Combine("cache"), client);
        var first = TestImages.TwoLayers(_root.Combine("blobs1"), "v1", dependencyBytes: 200_000);
        await ImagePusher.PushAsync(first, client, repo, "1", resolver);

        var requestsBefore = client.RequestCount;
        var again = await ImagePusher.PushAsync(first, client, repo, "1", resolver);
        Assert.Equal(0, again.BytesUploaded);
        Assert.Equal(0, again.BlobsUploaded);
        Assert.Equal(1, client.RequestCount - requestsBefore); // one manifest HEAD

        // Under a new tag: each blob is HEADed and skipped, only the manifest is written.
        var retag = await ImagePusher.PushAsync(first, client, repo, "1-again", resolver);
        Assert.Equal(0, retag.BytesUploaded);
        Assert.Equal(3, retag.BlobsSkipped);
        Assert.Equal(first.Digest, (await client.HeadManifestAsync(repo, "1-again"))!.Digest);

        var second = TestImages.TwoLayers(_root.Combine("blobs2"), "v2", dependencyBytes: 200_000);
        Assert.Equal(first.Layers[0].Descriptor.Digest, second.Layers[0].Descriptor.Digest);
        var changed = await ImagePusher.PushAsync(second, client, repo, "2", resolver);
        Assert.Equal(second.Layers[1].Descriptor.Size + second.ConfigBytes.Length, changed.BytesUploaded);
        Assert.Equal(2, changed.BlobsUploaded); // the app layer and the config
        Assert.Equal(1, changed.BlobsSkipped);
    }

    [Fact]
    public async Task Large_blobs_go_up_in_PATCH_chunks_and_come_back_identical()
    {
        using var client = _env.AnonymousClient(RegistryEnvironment.Options(null, _env.Anonymous.Host) with { ChunkSize = 64 * 1024 });
        var repo = Repo("chunks");
        var random = new byte[300_000];
        new Random(7).NextBytes(random);
        var path = _root.WriteFile("blob.bin", "");
        File.WriteAllBytes(path, random);
        var blob = Descriptor.Of("application/octet-stream", random);
        Assert.Equal(random.Length, await client.UploadBlobAsync(repo, blob, () => File.OpenRead(path)));
        Assert.True(await client.BlobExistsAsync(repo, blob.Digest));
        var back = _root.Combine("back.bin");
        await client.DownloadBlobAsync(repo, blob, back);
        Assert.Equal(random, File.ReadAllBytes(back));
        Assert.Contains(File.ReadAllLines(Path.Combine(_env.Anonymous.Folder, "registry.log")), l => l.Contains("http.request.method=PATCH") && l.Contains(repo));
    }

    [Fact]
    public async Task A_derived_image_in_another_repository_mounts_the_base_layers_instead_of_uploading_them()
    {
        using var client = _env.AnonymousClient();
        var resolver = TestImages.Resolver(_root.Combine("cache"), client);
        var baseRepo = Repo("base");
        await ImagePusher.PushAsync(TestImages.TwoLayers(_root.Combine("blobs"), "base"), client, baseRepo, "1", resolver);

        var baseImage = await ImageBuilder.PullBaseAsync(client, ImageReference.Parse($"{_env.Anonymous.Host}/{baseRepo}:1"), TestImages.Linux);
        var extra = Layers.LayerWriter.WriteToFolder(new[] { Layers.LayerEntry.File("extra.txt", "x"u8.ToArray()) }, _root.Combine("blobs"), mtime: 0);
        var derived = ImageBuilder.Build(baseImage, new[] { new NewLayer(extra, "extra") }, new ImageSettings { Env = new[] { KeyValuePair.Create("MORE", "1") } });
        var result = await ImagePusher.PushAsync(derived, client, Repo("derived"), "1", resolver);

        Assert.Equal(2, result.BlobsMounted);
        Assert.Equal(extra.Descriptor.Size + derived.ConfigBytes.Length, result.BytesUploaded);
        var config = ImageConfig.Parse(derived.ConfigBytes);
        Assert.Equal(new[] { "GREETING=hello", "MORE=1" }, config.Env); // the base's Env is kept
        Assert.Equal(3, config.DiffIds.Count);
    }

    [Fact]
    public async Task A_base_from_another_registry_has_its_layers_fetched_digest_checked_and_pushed()
    {
        using var source = _env.AnonymousClient();
        var baseRepo = Repo("crossbase");
        await ImagePusher.PushAsync(TestImages.TwoLayers(_root.Combine("blobs"), "cross"), source, baseRepo, "1", TestImages.Resolver(_root.Combine("cache"), source));
        var baseImage = await ImageBuilder.PullBaseAsync(source, ImageReference.Parse($"{_env.Anonymous.Host}/{baseRepo}:1"), TestImages.Linux);

        var credentials = new CredentialStore(new RegistryCredential(RegistryEnvironment.User, RegistryEnvironment.Password), Array.Empty<string>());
        using var target = new RegistryClient(_env.Basic.Host, RegistryEnvironment.Options(credentials, _env.Basic.Host));
        var derived = ImageBuilder.Build(baseImage, Array.Empty<NewLayer>(), new ImageSettings { WorkingDir = "/elsewhere" });
        var cache = _root.Combine("cross-cache");
        var result = await ImagePusher.PushAsync(derived, target, Repo("crossderived"), "1", TestImages.Resolver(cache, source, target));

        Assert.Equal(baseImage.Layers.Sum(l => l.Descriptor.Size) + derived.ConfigBytes.Length, result.BytesUploaded);
        Assert.Equal(0, result.BlobsMounted); // another registry: nothing to mount from
        Assert.Equal(baseImage.Layers.Select(l => Digest.Hex(l.Descriptor.Digest)).OrderBy(h => h), Directory.GetFiles(cache).Select(Path.GetFileName).OrderBy(h => h));
    }

    [Fact]
    public async Task Layout_tar_is_read_by_skopeo_and_unpacked_by_umoci_with_real_modes()
    {
        using var client = _env.AnonymousClient();
        var image = TestImages.TwoLayers(_root.Combine("blobs"), "layout");
        var output = _root.Combine("image.tar");
        await OciLayoutWriter.WriteAsync(image, output, "1.0", TestImages.Resolver(_root.Combine("cache"), client));

        var again = _root.Combine("again.tar");
        await OciLayoutWriter.WriteAsync(image, again, "1.0", TestImages.Resolver(_root.Combine("cache"), client));
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(again)); // the layout tar is reproducible too

        var inspect = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", $"oci-archive:{output}:1.0")).RootElement;
        Assert.Equal(image.Digest, inspect.GetProperty("Digest").GetString());

        var layout = _root.Combine("layout");
        Directory.CreateDirectory(layout);
        Tool.Ok("tar", "-xf", output, "-C", layout);
        var bundle = _root.Combine("bundle");
        Tool.Ok("umoci", "unpack", "--image", $"{layout}:1.0", bundle);
        Assert.Equal("layout", File.ReadAllText(Path.Combine(bundle, "rootfs/app/hello.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(bundle, "rootfs/app/run.sh")));
        var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "config.json"))).RootElement;
        Assert.Equal("/app/run.sh", runtimeConfig.GetProperty("process").GetProperty("args")[0].GetString());

        // skopeo copies it into the registry and our client reads the same manifest back.
        var repo = Repo("fromlayout");
        Tool.Ok("skopeo", "copy", "--dest-tls-verify=false", $"oci-archive:{output}:1.0", $"docker://{_env.Anonymous.Host}/{repo}:1.0");
        Assert.Equal(image.Digest, (await client.GetManifestAsync(repo, "1.0")).Descriptor.Digest);
    }

    [Fact]
    public async Task A_failed_layout_write_leaves_no_file()
    {
        var image = TestImages.TwoLayers(_root.Combine("blobs"), "x");
        var missing = image with { Layers = image.Layers.Select(l => l with { LocalPath = _root.Combine("gone", "nothing") }).ToList() };
        var output = _root.Combine("out.tar");
        var error = await Assert.ThrowsAsync<OciException>(() => OciLayoutWriter.WriteAsync(missing, output, "1", new BlobResolver(_root.Combine("cache"), _ => throw new InvalidOperationException())));
        Assert.Equal(OciErrors.BlobMissingLocally, error.Code);
        Assert.Empty(Directory.EnumerateFiles(_root.Path, "out.tar*"));
        var readOnly = Assert.ThrowsAsync<OciException>(() => OciLayoutWriter.WriteAsync(image, "/proc/fnpkg-no-such/out.tar", "1", new BlobResolver(_root.Combine("cache"), _ => throw new InvalidOperationException())));
        Assert.Equal(OciErrors.OutputFailed, (await readOnly).Code);
    }

    [Fact]
    public async Task Artifacts_with_the_empty_config_and_a_subject_are_found_through_the_referrers_tag_fallback()
    {
        using var client = _env.AnonymousClient();
        var repo = Repo("artifact");
        var nupkg = _root.WriteFile("Orders.1.0.0.nupkg", "PK-not-really-a-zip-but-bytes");
        var packageDescriptor = await OciArtifacts.PushFileAsync(client, repo, "1.0.0", "application/vnd.fnpkg.package.v1", "application/vnd.nuget.package.v1+zip", nupkg);

        // A signature whose subject is the package: Debian's docker-registry 2.8 does not process subjects, so the
        // client keeps the tag schema's index sha256-<hex> up to date.
        var signatureFile = _root.WriteFile("Orders.1.0.0.sig", "signature");
        var subject = new Descriptor { MediaType = packageDescriptor.MediaType, Digest = packageDescriptor.Digest, Size = packageDescriptor.Size };
        var signatureDescriptor = await OciArtifacts.PushFileAsync(client, repo, "sig", "application/vnd.fnpkg.signature.v1", "application/vnd.fnpkg.signature.v1", signatureFile, subject);

        var referrers = await client.GetReferrersAsync(repo, packageDescriptor.Digest);
        var only = Assert.Single(referrers);
        Assert.Equal(signatureDescriptor.Digest, only.Digest);
        Assert.Equal("application/vnd.fnpkg.signature.v1", only.ArtifactType);
        Assert.Empty(await client.GetReferrersAsync(repo, packageDescriptor.Digest, artifactType: "application/spdx+json"));
        Assert.NotNull(await client.HeadManifestAsync(repo, RegistryClient.ReferrersTag(packageDescriptor.Digest)));
        // Pushing the same signature again (under its digest this time) does not list it twice.
        var signatureManifest = (await client.GetManifestAsync(repo, "sig")).AsManifest();
        await client.PutManifestAsync(repo, signatureDescriptor.Digest, signatureManifest);
        Assert.Single(await client.GetReferrersAsync(repo, packageDescriptor.Digest));

        // An independent reader sees a valid artifact.
        var raw = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{_env.Anonymous.Host}/{repo}:1.0.0")).RootElement;
        Assert.Equal("application/vnd.fnpkg.package.v1", raw.GetProperty("artifactType").GetString());
        Assert.Equal(MediaTypes.OciEmpty, raw.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal("Orders.1.0.0.nupkg", raw.GetProperty("layers")[0].GetProperty("annotations").GetProperty(Annotations.Title).GetString());
        var sig = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{_env.Anonymous.Host}/{repo}:sig")).RootElement;
        Assert.Equal(packageDescriptor.Digest, sig.GetProperty("subject").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task An_artifact_pull_is_one_manifest_GET_and_one_blob_GET()
    {
        // What an anonymous oci:// install costs the registry: no /v2/ ping, no HEAD before the GET, no token round trip.
        using var client = _env.AnonymousClient();
        var repo = Repo("pullcount");
        var file = _root.WriteFile("Orders.1.0.0.nupkg", "pretend nupkg bytes for the pull count");
        const string type = "application/vnd.fnpkg.package.v1";
        var pushed = await OciArtifacts.PushFileAsync(client, repo, "1.0.0", type, "application/vnd.nuget.package.v1+zip", file);
        var layer = (await client.GetManifestAsync(repo, "1.0.0")).AsManifest().Layers[0];

        using var proxy = new FaultProxy(_env.Anonymous.Host);
        foreach (var reference in new[] { "1.0.0", pushed.Digest })
        {
            while (proxy.Requests.TryDequeue(out _)) { }
            using var proxied = new RegistryClient(proxy.Host, RegistryEnvironment.Options(null, proxy.Host));
            var pulled = await OciArtifacts.PullFileAsync(proxied, repo, reference, type, _root.Combine("pulled-" + reference.Replace(':', '-')));
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(pulled));
            Assert.Equal(2, proxied.RequestCount);
            Assert.Equal(new[] { $"GET /v2/{repo}/manifests/{reference}", $"GET /v2/{repo}/blobs/{layer.Digest}" }, proxy.Requests.ToArray());
        }
    }

    [Fact]
    public async Task A_file_artifact_pushed_twice_has_one_digest_survives_skopeo_copy_and_pulls_back_by_tag_and_digest()
    {
        using var client = _env.AnonymousClient();
        var repo = Repo("fileart");
        var file = _root.WriteFile("Orders.1.0.0.nupkg", "pretend nupkg bytes");
        const string type = "application/vnd.fnpkg.package.v1";
        var first = await OciArtifacts.PushFileAsync(client, repo, "1.0.0", type, "application/vnd.nuget.package.v1+zip", file);
        var before = client.RequestCount;
        var second = await OciArtifacts.PushFileAsync(client, repo, "1.0.0", type, "application/vnd.nuget.package.v1+zip", file);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(1, client.RequestCount - before); // a no-op: one manifest HEAD

        // skopeo copies the artifact to another repository; we read its copy, by tag and by digest.
        var copy = Repo("fileartcopy");
        Tool.Ok("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{_env.Anonymous.Host}/{repo}:1.0.0", $"docker://{_env.Anonymous.Host}/{copy}:1.0.0");
        var pulled = await OciArtifacts.PullFileAsync(client, copy, "1.0.0", type, _root.Combine("pulled"));
        Assert.Equal("Orders.1.0.0.nupkg", Path.GetFileName(pulled));
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(pulled));
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(await OciArtifacts.PullFileAsync(client, repo, first.Digest, type, _root.Combine("by-digest"))));

        // Not our artifact: another artifact type, and an image.
        Assert.Equal(OciErrors.NotExpectedArtifact, (await Assert.ThrowsAsync<OciException>(() => OciArtifacts.PullFileAsync(client, repo, "1.0.0", "application/spdx+json", _root.Combine("x")))).Code);
        var imageRepo = Repo("notart");
        await ImagePusher.PushAsync(TestImages.TwoLayers(_root.Combine("blobs"), "img"), client, imageRepo, "1", TestImages.Resolver(_root.Combine("cache"), client));
        Assert.Equal(OciErrors.NotExpectedArtifact, (await Assert.ThrowsAsync<OciException>(() => OciArtifacts.PullFileAsync(client, imageRepo, "1", type, _root.Combine("x")))).Code);
        Assert.False(Directory.Exists(_root.Combine("x")) && Directory.EnumerateFileSystemEntries(_root.Combine("x")).Any());
    }

    [Fact]
    public async Task An_artifact_title_that_is_a_path_is_refused_before_anything_is_written()
    {
        using var client = _env.AnonymousClient();
        var repo = Repo("evilart");
        var bytes = "x"u8.ToArray();
        var layer = Descriptor.Of("application/octet-stream", bytes) with { Annotations = new(StringComparer.Ordinal) { [Annotations.Title] = "../escape.txt" } };
        await client.UploadBlobAsync(repo, Descriptor.Empty, () => new MemoryStream(Descriptor.EmptyJson));
        await client.UploadBlobAsync(repo, layer, () => new MemoryStream(bytes));
        await client.PutManifestAsync(repo, "1", OciArtifacts.Manifest("application/vnd.fnpkg.package.v1", layer));
        var folder = _root.Combine("in");
        Assert.Equal(OciErrors.NotExpectedArtifact, (await Assert.ThrowsAsync<OciException>(() => OciArtifacts.PullFileAsync(client, repo, "1", "application/vnd.fnpkg.package.v1", folder))).Code);
        Assert.False(File.Exists(_root.Combine("escape.txt")));
    }

    [Fact]
    public async Task Missing_manifest_and_blob_are_FPKG6005_and_FPKG6006()
    {
        using var client = _env.AnonymousClient();
        var repo = Repo("missing");
        Assert.Equal(OciErrors.ManifestNotFound, (await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync(repo, "nope"))).Code);
        Assert.Null(await client.HeadManifestAsync(repo, "nope"));
        var blob = Descriptor.Of("application/octet-stream", "absent"u8.ToArray());
        Assert.Equal(OciErrors.BlobNotFound, (await Assert.ThrowsAsync<OciException>(() => client.GetBlobBytesAsync(repo, blob))).Code);
    }
}
