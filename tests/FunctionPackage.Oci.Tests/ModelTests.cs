using System.Text;
using System.Text.Json;
using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests;

public sealed class ModelTests : IDisposable
{
    private readonly TestRoot _root = new("oci-model");

    public void Dispose() => _root.Dispose();

    private const string DockerBaseConfig = """
        {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin","LANG=C"],"Cmd":["bash"],"Labels":{"z":"1"}},
         "rootfs":{"type":"layers","diff_ids":["sha256:1111111111111111111111111111111111111111111111111111111111111111"]},
         "history":[{"created":"2020-01-01T00:00:00Z","created_by":"base"}],"extra":{"kept":true}}
        """;

    [Fact]
    public void Manifest_and_config_have_the_OCI_shape_and_the_same_input_gives_the_same_digest()
    {
        var a = TestImages.TwoLayers(_root.Combine("a"), "same");
        var b = TestImages.TwoLayers(_root.Combine("b"), "same");
        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.ConfigBytes, b.ConfigBytes);

        var manifest = JsonDocument.Parse(a.ManifestBytes).RootElement;
        Assert.Equal(2, manifest.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(MediaTypes.OciManifest, manifest.GetProperty("mediaType").GetString());
        Assert.Equal(MediaTypes.OciConfig, manifest.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal(Digest.Of(a.ConfigBytes), manifest.GetProperty("config").GetProperty("digest").GetString());
        Assert.All(manifest.GetProperty("layers").EnumerateArray(), l => Assert.Equal(MediaTypes.OciLayerGzip, l.GetProperty("mediaType").GetString()));
        Assert.False(manifest.TryGetProperty("subject", out _)); // nulls are left out

        var config = JsonDocument.Parse(a.ConfigBytes).RootElement;
        Assert.Equal("linux", config.GetProperty("os").GetString());
        Assert.Equal("amd64", config.GetProperty("architecture").GetString());
        Assert.Equal("1970-01-01T00:00:00Z", config.GetProperty("created").GetString());
        Assert.Equal("layers", config.GetProperty("rootfs").GetProperty("type").GetString());
        Assert.Equal(a.Layers.Count, config.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
        Assert.Equal(a.Layers.Count, config.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public void Config_from_a_Docker_base_keeps_its_Env_and_unknown_fields_and_the_image_stays_Docker_v2()
    {
        var baseImage = new BaseImage("base", new ImageManifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = Descriptor.Of(MediaTypes.DockerConfig, Encoding.UTF8.GetBytes(DockerBaseConfig)),
            Layers = new[] { new Descriptor { MediaType = MediaTypes.DockerLayerGzip, Digest = "sha256:" + new string('2', 64), Size = 10 } },
        }, Encoding.UTF8.GetBytes(DockerBaseConfig), new[] { new ImageBlob(new Descriptor { MediaType = MediaTypes.DockerLayerGzip, Digest = "sha256:" + new string('2', 64), Size = 10 }, null, new BlobOrigin("r.test", "base")) });
        var layer = LayerWriter.WriteToFolder(new[] { LayerEntry.File("app/x", "x"u8.ToArray()) }, _root.Combine("blobs"), mtime: 0);
        var image = ImageBuilder.Build(baseImage, new[] { new NewLayer(layer, "app") }, new ImageSettings
        {
            Entrypoint = new[] { "dotnet", "app.dll" },
            Env = new[] { KeyValuePair.Create("LANG", "C.UTF-8"), KeyValuePair.Create("PORT", "8080") },
            Labels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" },
            User = "app",
            WorkingDir = "/app",
            ExposedPorts = new[] { 8080 },
        });

        Assert.Equal(MediaTypes.DockerManifest, image.Manifest.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, image.Manifest.Config.MediaType);
        Assert.All(image.Manifest.Layers, l => Assert.Equal(MediaTypes.DockerLayerGzip, l.MediaType));
        var config = ImageConfig.Parse(image.ConfigBytes);
        Assert.Equal(new[] { "PATH=/usr/bin", "LANG=C.UTF-8", "PORT=8080" }, config.Env);
        Assert.Equal(new[] { "dotnet", "app.dll" }, config.Entrypoint);
        Assert.Equal(new[] { "sha256:" + new string('1', 64), layer.DiffId }, config.DiffIds);
        var json = JsonDocument.Parse(image.ConfigBytes).RootElement;
        Assert.False(json.GetProperty("config").TryGetProperty("Cmd", out _)); // the base's Cmd was for the base's Entrypoint
        Assert.True(json.GetProperty("extra").GetProperty("kept").GetBoolean());
        Assert.Equal(new[] { "a", "b", "z" }, json.GetProperty("config").GetProperty("Labels").EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, json.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public void Base_configs_without_os_or_rootfs_are_FPKG6017()
    {
        Assert.Equal(OciErrors.InvalidBaseConfig, Assert.Throws<OciException>(() => ImageConfig.Parse("{\"architecture\":\"amd64\"}"u8.ToArray())).Code);
        Assert.Equal(OciErrors.InvalidBaseConfig, Assert.Throws<OciException>(() => ImageConfig.Parse("{\"os\":\"linux\",\"architecture\":\"amd64\"}"u8.ToArray())).Code);
        Assert.Equal(OciErrors.InvalidBaseConfig, Assert.Throws<OciException>(() => ImageConfig.Parse("not json"u8.ToArray())).Code);
    }

    [Fact]
    public void Platform_selection_matches_os_arch_and_variant_and_lists_what_there_is()
    {
        Descriptor Entry(string arch, string? variant, char fill) => new()
        {
            MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string(fill, 64), Size = 1,
            Platform = new Platform { Os = "linux", Architecture = arch, Variant = variant },
        };
        var index = new ImageIndex { Manifests = new[] { Entry("arm", "v7", 'a'), Entry("arm64", null, 'b'), Entry("amd64", null, 'c') } };
        Assert.Equal("sha256:" + new string('c', 64), ImageBuilder.SelectPlatform(index, new Platform { Os = "linux", Architecture = "amd64" }, "x").Digest);
        Assert.Equal("sha256:" + new string('b', 64), ImageBuilder.SelectPlatform(index, new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" }, "x").Digest);
        Assert.Equal("sha256:" + new string('a', 64), ImageBuilder.SelectPlatform(index, new Platform { Os = "linux", Architecture = "arm", Variant = "v7" }, "x").Digest);
        var error = Assert.Throws<OciException>(() => ImageBuilder.SelectPlatform(index, new Platform { Os = "linux", Architecture = "arm", Variant = "v6" }, "x"));
        Assert.Equal(OciErrors.NoMatchingPlatform, error.Code);
        Assert.Contains("linux/arm/v7", error.Message);
    }

    [Fact]
    public void The_empty_descriptor_is_the_spec_one()
    {
        Assert.Equal("{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2,\"data\":\"e30=\"}",
            Encoding.UTF8.GetString(OciJson.Serialize(Descriptor.Empty)));
    }

    [Fact]
    public void Source_generated_documents_are_byte_for_byte_what_the_reflection_serializer_wrote()
    {
        // Digests of what earlier fnpkg versions pushed depend on these bytes: an unchanged push must stay a no-op.
        var reflection = new JsonSerializerOptions(OciJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        var layer = new Descriptor
        {
            MediaType = "application/vnd.functionpackage.package.v1+zip", Digest = "sha256:" + new string('1', 64), Size = 12345,
            Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["org.opencontainers.image.title"] = "Orders.1.0.0+é.nupkg", ["a"] = "<&>" },
        };
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest, ArtifactType = "application/vnd.functionpackage.package.v1", Config = Descriptor.Empty, Layers = new[] { layer },
            Subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string('2', 64), Size = 7 },
            Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["dev.functionpackage.package.id"] = "Orders" },
        };
        var index = new ImageIndex
        {
            Manifests = new[] { layer with { Platform = new Platform { Os = "linux", Architecture = "arm", Variant = "v7" }, ArtifactType = "x/y" } },
        };
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(manifest, reflection), OciJson.Serialize(manifest));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(index, reflection), OciJson.Serialize(index));
        Assert.Equal(OciJson.Serialize(manifest), OciJson.Serialize(OciDocumentReader.ReadManifest(OciJson.Serialize(manifest), "m")));
        Assert.Equal(OciJson.Serialize(index), OciJson.Serialize(OciDocumentReader.ReadIndex(OciJson.Serialize(index), "i")));
    }

    // The reader must read what the serializer reads, as the serializer reads it (it replaced the serializer's reading).
    [Theory]
    // An OCI artifact with subject and annotations, in another property order, with properties neither knows.
    [InlineData("""{"layers":[{"size":3,"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","mediaType":"a/b","annotations":{"z":"1","a":"2"},"urls":["http://x"]}],"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2,"artifactType":"x/y","subject":{"mediaType":"m/n","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":9},"annotations":{"k":"v"},"extra":{"deep":[1,2]}}""")]
    // A Docker v2 image manifest: no artifactType, no annotations.
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[]}""")]
    // A repeated property: the last one wins, as with the serializer.
    [InlineData("""{"schemaVersion":2,"mediaType":"first","mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"c","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[],"subject":null,"artifactType":null}""")]
    public void The_document_reader_reads_a_manifest_as_the_serializer_does(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var bySerializer = JsonSerializer.Deserialize<ImageManifest>(bytes, OciJson.Options)!;
        Assert.Equal(OciJson.Serialize(bySerializer), OciJson.Serialize(OciDocumentReader.ReadManifest(bytes, "m")));
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":5,"platform":{"architecture":"arm","os":"linux","variant":"v7","os.version":"1"}},{"mediaType":"m","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":6,"artifactType":"t","annotations":{"dev.functionpackage.package.id":"Orders"}}],"annotations":{"b":"1"}}""")]
    // The referrers API's empty answer.
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""")]
    public void The_document_reader_reads_an_index_as_the_serializer_does(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var bySerializer = JsonSerializer.Deserialize<ImageIndex>(bytes, OciJson.Options)!;
        Assert.Equal(OciJson.Serialize(bySerializer), OciJson.Serialize(OciDocumentReader.ReadIndex(bytes, "i")));
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"x","layers":[]}""")] // no config
    [InlineData("""{"schemaVersion":2,"mediaType":"x","config":{"mediaType":"c","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}}""")] // no layers
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"c","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""")] // no mediaType
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","size":2},"layers":[]}""")] // a descriptor without digest
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","digest":"d","size":"2"},"layers":[]}""")] // size as a string
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","digest":"d","size":2.5},"layers":[]}""")] // size not an integer
    [InlineData("""{"schemaVersion":"2","mediaType":"x","config":{"mediaType":"c","digest":"d","size":2},"layers":[]}""")] // schemaVersion as a string
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","digest":"d","size":2},"layers":{}}""")] // layers not an array
    [InlineData("""{"mediaType":7,"config":{"mediaType":"c","digest":"d","size":2},"layers":[]}""")] // mediaType a number
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","digest":"d","size":2},"layers":[],"annotations":{"a":1}}""")] // an annotation not a string
    [InlineData("""[]""")]
    [InlineData("""{"mediaType":"x",""")]
    public void A_malformed_manifest_is_refused_by_the_reader_as_by_the_serializer(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<ImageManifest>(bytes, OciJson.Options));
        var refused = Assert.Throws<OciException>(() => OciDocumentReader.ReadManifest(bytes, "The manifest m"));
        Assert.Equal(OciErrors.UnknownMediaType, refused.Code);
        Assert.StartsWith("FPKG6010: The manifest m is not valid JSON of its media type", refused.Message);
    }

    // Where the reader differs from the serializer, on purpose: a property left out keeps the record's default
    // (schemaVersion 2, an index's OCI media type), where the source-generated serializer set 0 and null (it sets every
    // init-only property).
    [Fact]
    public void A_property_left_out_keeps_the_records_default()
    {
        var index = OciDocumentReader.ReadIndex("""{"manifests":[]}"""u8.ToArray(), "i");
        Assert.Equal(2, index.SchemaVersion);
        Assert.Equal(MediaTypes.OciIndex, index.MediaType);
        Assert.Equal(2, OciDocumentReader.ReadManifest("""{"mediaType":"x","config":{"mediaType":"c","digest":"d","size":2},"layers":[]}"""u8.ToArray(), "m").SchemaVersion);
    }

    [Theory]
    [InlineData("""{"mediaType":null,"config":{"mediaType":"c","digest":"d","size":2},"layers":[]}""")]
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","digest":null,"size":2},"layers":[]}""")]
    [InlineData("""{"mediaType":"x","config":null,"layers":[]}""")]
    [InlineData("""{"mediaType":"x","config":{"mediaType":"c","digest":"d","size":2},"layers":[null]}""")]
    public void A_required_value_that_is_null_is_refused_by_the_reader(string json)
    {
        // Stricter than the serializer, which would hand the caller a null where the type says there is none.
        var refused = Assert.Throws<OciException>(() => OciDocumentReader.ReadManifest(Encoding.UTF8.GetBytes(json), "m"));
        Assert.Equal(OciErrors.UnknownMediaType, refused.Code);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/fn/orders:1.0.0", "127.0.0.1:5000", "fn/orders", "1.0.0", null)]
    [InlineData("registry.example.com/a/b/c", "registry.example.com", "a/b/c", null, null)]
    [InlineData("localhost/x@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "localhost", "x", null, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")]
    // The distribution spec's separators between lowercase alphanumerics: ".", "_", "__" and any run of "-".
    [InlineData("r.test/a.b_c__d---e/f-g:v1", "r.test", "a.b_c__d---e/f-g", "v1", null)]
    // A tag: a word character first, then up to 127 of [A-Za-z0-9._-].
    [InlineData("r.test/a:_Tag.1-x", "r.test", "a", "_Tag.1-x", null)]
    [InlineData("r.test/a:t2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678", "r.test", "a", "t2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678", null)] // 128
    public void Image_references_parse(string text, string registry, string repository, string? tag, string? digest)
    {
        Assert.Equal(new ImageReference(registry, repository, tag, digest), ImageReference.Parse(text));
    }

    [Theory]
    [InlineData("orders:1.0")]          // no registry
    [InlineData("docker/orders:1")]     // "docker" is not a host
    [InlineData("r.test/Orders:1")]     // uppercase repository
    [InlineData("r.test/a:b:c")]        // bad tag
    [InlineData("r.test/a@sha256:abc")] // short digest
    [InlineData("r.test/a___b:1")]      // three underscores are not a separator
    [InlineData("r.test/a._b:1")]       // nor are two separators in a row
    [InlineData("r.test/-a:1")]         // a component starts with a letter or digit
    [InlineData("r.test/a-:1")]         // and ends with one
    [InlineData("r.test/a//b:1")]       // no empty component
    [InlineData("r.test/a/:1")]
    [InlineData("r.test/a:")]           // an empty tag
    [InlineData("r.test/a:.x")]         // a tag starts with a word character
    [InlineData("r.test/a:x+y")]
    [InlineData("r.test/a:t23456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")] // 129
    public void Bad_image_references_are_FPKG6013(string text)
    {
        Assert.Equal(OciErrors.InvalidReference, Assert.Throws<OciException>(() => ImageReference.Parse(text)).Code);
    }

    [Fact]
    public void Bearer_challenge_parameters_parse_with_quoted_commas()
    {
        var p = AuthChallenge.ParseParameters("realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");
        Assert.Equal("https://auth.example/token", p["realm"]);
        Assert.Equal("registry.example", p["service"]);
        Assert.Equal("repository:a/b:pull,push", p["scope"]);
    }

    [Fact]
    public void Credentials_come_from_the_environment_first_then_the_auth_file_then_docker_config()
    {
        var podman = _root.WriteFile("auth.json", "{\"auths\":{\"r.test:5000\":{\"auth\":\"" + Convert.ToBase64String("pod:man"u8.ToArray()) + "\"}}}");
        var docker = _root.WriteFile("config.json", "{\"auths\":{\"https://r.test:5000/v1/\":{\"auth\":\"" + Convert.ToBase64String("dock:er"u8.ToArray()) + "\"},\"id.test\":{\"identitytoken\":\"refresh-me\"}},\"credsStore\":\"desktop\"}");
        var files = new CredentialStore(null, new[] { podman, docker });
        Assert.Equal(new RegistryCredential("pod", "man"), files.Find("r.test:5000"));
        Assert.Equal(new RegistryCredential(null, null, "refresh-me"), files.Find("id.test"));
        Assert.Null(files.Find("unknown.test"));
        Assert.Equal(new RegistryCredential("dock", "er"), new CredentialStore(null, new[] { docker }).Find("r.test:5000"));
        Assert.Equal(new RegistryCredential("env", "pw"), new CredentialStore(new RegistryCredential("env", "pw"), new[] { podman }).Find("r.test:5000"));
        Assert.DoesNotContain("pw", new RegistryCredential("env", "pw").ToString());

        var broken = _root.WriteFile("broken.json", "{\"auths\":{\"r.test\":{\"auth\":\"***\"}}}");
        Assert.Equal(OciErrors.BadCredentialsFile, Assert.Throws<OciException>(() => new CredentialStore(null, new[] { broken }).Find("r.test")).Code);
        var notJson = _root.WriteFile("not.json", "{");
        Assert.Equal(OciErrors.BadCredentialsFile, Assert.Throws<OciException>(() => new CredentialStore(null, new[] { notJson }).Find("r.test")).Code);
    }
}
