using System.Net;
using System.Text;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests;

/// <summary>Basic auth against the real htpasswd registry, Bearer through the in-test token endpoint, and injected faults.</summary>
[Collection(RegistryCollection.Name)]
public sealed class AuthAndFaultTests : IDisposable
{
    private readonly RegistryEnvironment _env;
    private readonly TestRoot _root = new("oci-auth-test");

    public AuthAndFaultTests(RegistryEnvironment env) => _env = env;

    public void Dispose() => _root.Dispose();

    private string DockerConfig(string host, string user, string password)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return _root.WriteFile($"docker-{Guid.NewGuid():N}/config.json", $"{{\"auths\":{{\"http://{host}/v1/\":{{\"auth\":\"{auth}\"}},\"other.example\":{{\"auth\":\"eDp5\"}}}}}}");
    }

    private async Task<Descriptor> PushSmallAsync(RegistryClient client, string repo)
    {
        var image = TestImages.TwoLayers(_root.Combine("blobs"), "auth");
        return (await ImagePusher.PushAsync(image, client, repo, "1", TestImages.Resolver(_root.Combine("cache"), client))).Manifest;
    }

    [Fact]
    public async Task Basic_auth_registry_without_credentials_or_with_wrong_ones_is_FPKG6003_and_with_the_config_file_works()
    {
        var host = _env.Basic.Host;
        using (var anonymous = new RegistryClient(host, RegistryEnvironment.Options(null, host)))
        {
            var error = await Assert.ThrowsAsync<OciException>(() => PushSmallAsync(anonymous, "test/basic"));
            Assert.Equal(OciErrors.Unauthorized, error.Code);
            Assert.Contains("login", error.Message);
        }
        using (var wrong = new RegistryClient(host, RegistryEnvironment.Options(new CredentialStore(null, new[] { DockerConfig(host, RegistryEnvironment.User, "wrong") }), host)))
        {
            Assert.Equal(OciErrors.Unauthorized, (await Assert.ThrowsAsync<OciException>(() => PushSmallAsync(wrong, "test/basic"))).Code);
        }
        using var right = new RegistryClient(host, RegistryEnvironment.Options(new CredentialStore(null, new[] { DockerConfig(host, RegistryEnvironment.User, RegistryEnvironment.Password) }), host));
        var pushed = await PushSmallAsync(right, "test/basic");
        var inspect = Tool.Ok("skopeo", "inspect", "--tls-verify=false", "--creds", $"{RegistryEnvironment.User}:{RegistryEnvironment.Password}", $"docker://{host}/test/basic:1");
        Assert.Contains(pushed.Digest, inspect);
    }

    [Fact]
    public async Task Bearer_challenge_gets_a_token_per_scope_from_the_realm_with_basic_credentials_and_caches_it()
    {
        using var proxy = new FaultProxy(_env.Anonymous.Host) { RequireBearer = ("robot", "tok-pass") };
        var credentials = new CredentialStore(new RegistryCredential("robot", "tok-pass"), Array.Empty<string>());
        using var client = new RegistryClient(proxy.Host, RegistryEnvironment.Options(credentials, proxy.Host));
        await client.PingAsync();
        var pushed = await PushSmallAsync(client, "test/bearer");
        Assert.Equal(pushed.Digest, (await client.GetManifestAsync("test/bearer", "1")).Descriptor.Digest);
        // One token for the push scope; pulls of that repository use their own scope: two in all, however many requests.
        Assert.Equal(2, proxy.TokenRequests);
        Assert.True(client.RequestCount > 8);

        using var wrong = new RegistryClient(proxy.Host, RegistryEnvironment.Options(new CredentialStore(new RegistryCredential("robot", "nope"), Array.Empty<string>()), proxy.Host));
        Assert.Equal(OciErrors.Unauthorized, (await Assert.ThrowsAsync<OciException>(() => wrong.GetManifestAsync("test/bearer", "1"))).Code);
    }

    /// <summary>Pushes through a proxy injecting <paramref name="fault"/>; the push fails with a code and leaves no tag.</summary>
    private async Task<OciException> FailedPushLeavesNoTagAsync(string method, Fault fault)
    {
        using var proxy = new FaultProxy(_env.Anonymous.Host) { FaultFor = (m, path) => m == method && path.Contains("/blobs/uploads/") ? fault : Fault.None };
        using var client = new RegistryClient(proxy.Host, RegistryEnvironment.Options(null, proxy.Host));
        var repo = $"test/fail-{Guid.NewGuid():N}"[..24];
        var error = await Assert.ThrowsAsync<OciException>(() => PushSmallAsync(client, repo));
        using var direct = _env.AnonymousClient();
        Assert.Null(await direct.HeadManifestAsync(repo, "1"));
        return error;
    }

    [Fact]
    public async Task A_500_is_FPKG6007_and_the_push_leaves_no_tag()
    {
        var error = await FailedPushLeavesNoTagAsync("PUT", Fault.ServerError);
        Assert.True(error.Code == OciErrors.ServerError, error.ToString());
        Assert.Contains("injected failure", error.Message);
    }

    [Fact]
    public async Task A_connection_reset_during_a_blob_upload_is_FPKG6008_and_the_push_leaves_no_tag()
    {
        var error = await FailedPushLeavesNoTagAsync("POST", Fault.ResetUpload);
        Assert.True(error.Code == OciErrors.ConnectionDropped, error.ToString());
    }

    [Fact]
    public async Task A_connection_dropped_mid_blob_is_FPKG6008_and_wrong_bytes_FPKG6009_leaving_no_file()
    {
        using var direct = _env.AnonymousClient();
        var repo = $"test/drop-{Guid.NewGuid():N}"[..22];
        await PushSmallAsync(direct, repo);
        var manifest = (await direct.GetManifestAsync(repo, "1")).AsManifest();
        var layer = manifest.Layers[0];

        using var dropping = new FaultProxy(_env.Anonymous.Host) { FaultFor = (method, path) => method == "GET" && path.Contains("/blobs/sha256:") ? Fault.DropMidBody : Fault.None };
        using (var client = new RegistryClient(dropping.Host, RegistryEnvironment.Options(null, dropping.Host)))
        {
            var target = _root.Combine("dropped.bin");
            Assert.Equal(OciErrors.ConnectionDropped, (await Assert.ThrowsAsync<OciException>(() => client.DownloadBlobAsync(repo, layer, target))).Code);
            Assert.Empty(Directory.EnumerateFiles(_root.Path, "dropped.bin*"));
        }
        using var corrupting = new FaultProxy(_env.Anonymous.Host) { FaultFor = (method, path) => method == "GET" && path.Contains("/blobs/sha256:") ? Fault.CorruptBody : Fault.None };
        using (var client = new RegistryClient(corrupting.Host, RegistryEnvironment.Options(null, corrupting.Host)))
        {
            var target = _root.Combine("corrupt.bin");
            Assert.Equal(OciErrors.DigestMismatch, (await Assert.ThrowsAsync<OciException>(() => client.DownloadBlobAsync(repo, layer, target))).Code);
            Assert.Empty(Directory.EnumerateFiles(_root.Path, "corrupt.bin*"));
        }
        using var corruptManifest = new FaultProxy(_env.Anonymous.Host) { FaultFor = (method, path) => method == "GET" && path.Contains("/manifests/") ? Fault.CorruptBody : Fault.None };
        using (var client = new RegistryClient(corruptManifest.Host, RegistryEnvironment.Options(null, corruptManifest.Host)))
        {
            Assert.Equal(OciErrors.DigestMismatch, (await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync(repo, "1"))).Code);
        }
    }

    [Fact]
    public async Task Unreachable_stalled_and_plain_http_registries_not_named_insecure_are_coded()
    {
        var closed = LocalRegistry.FreePort();
        using (var client = new RegistryClient($"127.0.0.1:{closed}", RegistryEnvironment.Options(null, $"127.0.0.1:{closed}")))
        {
            Assert.Equal(OciErrors.RegistryUnreachable, (await Assert.ThrowsAsync<OciException>(() => client.PingAsync())).Code);
        }
        using var stalling = new FaultProxy(_env.Anonymous.Host) { FaultFor = (_, _) => Fault.Stall };
        using (var client = new RegistryClient(stalling.Host, RegistryEnvironment.Options(null, stalling.Host) with { Timeout = TimeSpan.FromSeconds(1) }))
        {
            Assert.Equal(OciErrors.Timeout, (await Assert.ThrowsAsync<OciException>(() => client.PingAsync())).Code);
        }
        // Not named insecure: HTTPS only, and the plain-HTTP registry fails the handshake with the fix in the message.
        using (var client = new RegistryClient(_env.Anonymous.Host, RegistryEnvironment.Options()))
        {
            Assert.Equal("https", client.BaseUri.Scheme);
            var error = await Assert.ThrowsAsync<OciException>(() => client.PingAsync());
            Assert.Equal(OciErrors.TlsFailed, error.Code);
            Assert.Contains("InsecureRegistries", error.Message);
        }
    }
}

/// <summary>Faults a real registry cannot be made to produce, from an in-test message handler.</summary>
public sealed class FakeRegistryTests
{
    private sealed class Canned : HttpMessageHandler
    {
        public required Func<HttpRequestMessage, HttpResponseMessage> Answer { get; init; }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(Answer(request));
        // The client's manifest and blob GETs are synchronous (HttpClient.Send), as SocketsHttpHandler serves them.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) => Answer(request);
    }

    private static RegistryClient Client(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        new("registry.test", new RegistryOptions { Credentials = CredentialStore.Anonymous }, new Canned { Answer = answer });

    [Fact]
    public async Task A_manifest_of_an_unknown_media_type_is_FPKG6010()
    {
        var body = "{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}"u8.ToArray();
        using var client = Client(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
        Assert.Equal(OciErrors.UnknownMediaType, (await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("a/b", "1"))).Code);
    }

    [Fact]
    public async Task A_403_is_FPKG6004()
    {
        using var client = Client(_ => new HttpResponseMessage(HttpStatusCode.Forbidden));
        Assert.Equal(OciErrors.Forbidden, (await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("a/b", "1"))).Code);
    }

    [Fact]
    public async Task An_identity_token_is_exchanged_as_an_OAuth2_refresh_token_and_the_bearer_token_sent()
    {
        string? form = null;
        var manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"u8.ToArray();
        var handler = new Canned
        {
            Answer = request =>
            {
                if (request.RequestUri!.Host == "auth.test")
                {
                    form = request.Content!.ReadAsStringAsync().Result;
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"access_token\":\"from-refresh\"}") };
                }
                if (request.Headers.Authorization?.ToString() == "Bearer from-refresh") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(manifest) };
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.test/token\",service=\"registry.test\"");
                return challenge;
            },
        };
        var credentials = new CredentialStore(new RegistryCredential(null, null, "my-refresh-token"), Array.Empty<string>());
        using var client = new RegistryClient("registry.test", new RegistryOptions { Credentials = credentials }, handler);
        var read = await client.GetManifestAsync("a/b", "1");
        Assert.Equal(MediaTypes.OciIndex, read.Descriptor.MediaType);
        Assert.Contains("grant_type=refresh_token", form);
        Assert.Contains("refresh_token=my-refresh-token", form);
        Assert.Contains("scope=repository%3Aa%2Fb%3Apull", form);
    }

    [Fact]
    public async Task A_token_endpoint_without_a_token_is_FPKG6015()
    {
        using var client = Client(request =>
        {
            if (request.RequestUri!.Host == "auth.test") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"nothing\":1}") };
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.test/token\",service=\"registry.test\",scope=\"repository:a/b:pull\"");
            return challenge;
        });
        Assert.Equal(OciErrors.TokenEndpointFailed, (await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("a/b", "1"))).Code);
    }
}
