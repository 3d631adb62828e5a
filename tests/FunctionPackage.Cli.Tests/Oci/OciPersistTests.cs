using System.Text.Json;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Sources.OciRegistry;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;

namespace FunctionPackage.Cli.Tests.Oci;

/// <summary>
/// <c>fnpkg push</c> and <c>install oci://…</c> against a real docker-registry on 127.0.0.1 (the OCI library's
/// fixtures), read and copied by skopeo and umoci; faults from the OCI tests' proxy. Dependencies still come from the
/// folder feed, pinned by content hash.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class OciPersistTests : InstallTestBase
{
    private readonly RegistryEnvironment _env;

    public OciPersistTests(RegistryEnvironment env) => _env = env;

    private string Host => _env.Anonymous.Host;
    private string FunctionDirectory => Path.Combine(Root, "functions", "hello.function", "1.0.0");

    private string WriteFile(string name, string content)
    {
        var path = Temp.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Repo(string name) => $"fn/{name}-{Guid.NewGuid():N}"[..28];

    private static OciPackagePusher Pusher(RegistryOptions options, List<RegistryClient>? clients = null) => new(new PackageVerifier(), registry =>
    {
        var client = new RegistryClient(registry, options);
        clients?.Add(client);
        return client;
    });

    /// <summary>An installer whose registry client uses <paramref name="credentials"/> (anonymous by default, whatever this machine's config says).</summary>
    private static FunctionInstaller Installer(CredentialStore? credentials = null) => new(
        new FunctionPackage.Installing.Sources.NuGetFeeds.NuGetFeedSource(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance),
        new PackageVerifier(), new RuntimeFrameworkChecker(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        options => new OciPackagePuller(registry => new RegistryClient(registry, options with { Credentials = credentials ?? CredentialStore.Anonymous })));

    private InstallRequest OciRequest(string reference, params string[] insecure) => Request(reference, Feed) with
    {
        InsecureRegistries = insecure,
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    private async Task<FunctionPackageException> AssertInstallFails(string reference, string code, string insecureHost, CredentialStore? credentials = null)
    {
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => Installer(credentials).InstallAsync(OciRequest(reference, insecureHost)));
        Assert.True(ex.Code == code, $"expected {code}, got {ex.Code}: {ex.Message}");
        AssertNothingInstalled();
        return ex;
    }

    private void AssertInstalled(FunctionPackageBuilder builder, string root)
    {
        var function = Path.Combine(root, "functions", "hello.function", "1.0.0");
        Assert.Equal(builder.FunctionFiles["Hello.Function.dll"], File.ReadAllBytes(Path.Combine(function, "function", "Hello.Function.dll")));
        var receipt = InstallReceipt.TryRead(function)!;
        Assert.Equal(builder.Dependencies.Select(d => d.ContentHash), receipt.Dependencies.Select(d => d.Sha512));
        foreach (var dependency in builder.Dependencies)
        {
            Assert.True(File.Exists(Path.Combine(root, "packages", dependency.Id.ToLowerInvariant(), dependency.Version, ".nupkg.metadata")), dependency.Id);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, ".staging")));
    }

    [Fact]
    public async Task Push_prints_the_pinned_reference_and_install_from_oci_by_tag_and_by_digest_installs_it_with_dependencies_from_the_feed()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        var repo = Repo("hello");

        var (exitCode, output) = await RunCli("push", package, $"oci://{Host}/{repo}", "--insecure-registry", Host);
        Assert.True(exitCode == ExitCodes.Success, output);
        using var client = _env.AnonymousClient();
        var digest = (await client.HeadManifestAsync(repo, "1.0.0"))!.Digest; // tag = the package's version
        Assert.Equal($"oci://{Host}/{repo}:1.0.0@{digest}\n", output);

        var byTag = await Installer().InstallAsync(OciRequest($"oci://{Host}/{repo}:1.0.0", Host));
        Assert.Equal(FunctionDirectory, byTag.FunctionDirectory);
        Assert.Equal(2, byTag.PackagesAdded);
        AssertInstalled(builder, Root);
        // The same reference again: pulled, verified, and a no-op install of the same content.
        Assert.True((await Installer().InstallAsync(OciRequest($"oci://{Host}/{repo}:1.0.0", Host))).AlreadyInstalled);

        // By digest, through fnpkg itself, into a second root.
        var secondRoot = Temp.Combine("root2");
        var (installExit, installed) = await RunCli("install", $"oci://{Host}/{repo}@{digest}", "--root", secondRoot, "--source", Feed, "--insecure-registry", Host);
        Assert.True(installExit == ExitCodes.Success, installed);
        Assert.Equal(Path.Combine(secondRoot, "functions", "hello.function", "1.0.0") + "\n", installed);
        AssertInstalled(builder, secondRoot);
    }

    [Fact]
    public async Task A_bad_trust_policy_refuses_an_oci_install_whose_pull_is_already_running_and_leaves_nothing()
    {
        // The pull starts before the trust policy is read (they overlap): the policy's error wins, the pull is stopped
        // and its staging folder removed.
        var package = Function().Build(Temp.Folder("out"));
        var repo = Repo("policy");
        await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(package, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);
        var request = OciRequest($"oci://{Host}/{repo}:1.0.0", Host) with { TrustedSigners = new[] { "not-a-fingerprint" } };
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => Installer().InstallAsync(request));
        Assert.True(ex.Code == DiagnosticCodes.TrustedSignerInvalid, $"{ex.Code}: {ex.Message}");
        AssertNothingInstalled();

        // Required signature, unsigned package: pulled, then refused before anything is written.
        var unsigned = await Assert.ThrowsAsync<FunctionPackageException>(() => Installer().InstallAsync(OciRequest($"oci://{Host}/{repo}:1.0.0", Host) with { RequireSigned = true }));
        Assert.True(unsigned.Code == DiagnosticCodes.SignatureMissing, $"{unsigned.Code}: {unsigned.Message}");
        AssertNothingInstalled();
    }

    /// <summary>
    /// run and invoke take the same oci:// path as install. The test binaries carry no host/ folder (fnpkg's build copies
    /// it next to fnpkg only), so once the package is installed from the registry the launch is FPKG5201 (exit 6): a
    /// package that could not be pulled would stop earlier with exit 3. A real function served and invoked from a
    /// registry is not covered here (see the end-to-end tests for run/invoke of real packages).
    /// </summary>
    [Fact]
    public async Task Run_and_invoke_install_from_oci_before_they_start_the_host()
    {
        Assert.Null(Environment.GetEnvironmentVariable(Cli.Hosting.HostLauncher.HostPathVariable));
        var package = Function().Build(Temp.Folder("out"));
        var repo = Repo("runinvoke");
        await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(package, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);

        var invokeRoot = Temp.Combine("invoke-root");
        Assert.Equal(ExitCodes.HostFailed, (await RunCli("invoke", $"oci://{Host}/{repo}:1.0.0", "--root", invokeRoot, "--source", Feed, "--insecure-registry", Host)).ExitCode);
        Assert.NotNull(InstallReceipt.TryRead(Path.Combine(invokeRoot, "functions", "hello.function", "1.0.0")));
        Assert.Equal(ExitCodes.HostFailed, (await RunCli("run", $"oci://{Host}/{repo}:1.0.0", "--root", Root, "--source", Feed, "--insecure-registry", Host)).ExitCode);
        Assert.NotNull(InstallReceipt.TryRead(FunctionDirectory));
        Assert.Equal(ExitCodes.NotFound, (await RunCli("invoke", $"oci://{Host}/{repo}:9.9.9", "--source", Feed, "--insecure-registry", Host)).ExitCode);
    }

    private static readonly byte[] Sbom = System.Text.Encoding.UTF8.GetBytes("{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\"\n}\n");

    private FunctionPackageBuilder FunctionWithSbom()
    {
        var builder = Function();
        builder.Sbom = Sbom;
        return builder;
    }

    [Fact]
    public async Task Pushing_the_same_package_twice_is_one_manifest_HEAD_no_upload_and_the_same_digest()
    {
        var package = FunctionWithSbom().Build(Temp.Folder("out"));
        var repo = Repo("twice");
        var options = RegistryEnvironment.Options(null, Host);
        var first = await Pusher(options).PushAsync(package, ImageReference.Parse($"{Host}/{repo}:stable"), CancellationToken.None);
        Assert.False(first.AlreadyPresent);
        // The package, the empty config (once: the SBOM referrer's is the same blob) and the SBOM.
        Assert.Equal(new FileInfo(package).Length + Descriptor.EmptyJson.Length + Sbom.Length, first.BytesUploaded);
        Assert.NotNull(first.SbomDigest);

        // The second push goes through the proxy, which records every request the registry sees.
        using var proxy = new FaultProxy(Host);
        var clients = new List<RegistryClient>();
        var second = await Pusher(RegistryEnvironment.Options(null, proxy.Host), clients).PushAsync(package, ImageReference.Parse($"{proxy.Host}/{repo}:stable"), CancellationToken.None);
        Assert.Equal(first.Digest, second.Digest);
        Assert.True(second.AlreadyPresent);
        Assert.Equal(0, second.BytesUploaded);
        Assert.Equal(0, clients.Single().BytesUploaded);
        Assert.Equal(new[] { $"HEAD /v2/{repo}/manifests/stable" }, proxy.Requests.ToArray());
    }

    [Fact]
    public async Task Skopeo_and_umoci_read_a_valid_artifact_and_fnpkg_installs_what_skopeo_copied_to_another_repository()
    {
        var package = Function().Build(Temp.Folder("out"));
        var repo = Repo("read");
        var pushed = await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(package, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);

        var raw = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{Host}/{repo}:1.0.0")).RootElement;
        Assert.Equal(MediaTypes.OciManifest, raw.GetProperty("mediaType").GetString());
        Assert.Equal(OciPackageArtifact.ArtifactType, raw.GetProperty("artifactType").GetString());
        Assert.Equal(MediaTypes.OciEmpty, raw.GetProperty("config").GetProperty("mediaType").GetString());
        var layer = raw.GetProperty("layers").EnumerateArray().Single();
        Assert.Equal(OciPackageArtifact.LayerMediaType, layer.GetProperty("mediaType").GetString());
        Assert.Equal(Path.GetFileName(package), layer.GetProperty("annotations").GetProperty(Annotations.Title).GetString());
        Assert.Equal("Hello.Function", raw.GetProperty("annotations").GetProperty(OciPackageArtifact.IdAnnotation).GetString());
        Assert.Equal("1.0.0", raw.GetProperty("annotations").GetProperty(OciPackageArtifact.VersionAnnotation).GetString());

        // skopeo copies it into an OCI layout; umoci lists the tag, and the layer blob is the unchanged .nupkg.
        var layout = Temp.Combine("layout");
        Tool.Ok("skopeo", "copy", "--src-tls-verify=false", $"docker://{Host}/{repo}:1.0.0", $"oci:{layout}:1.0.0");
        Assert.Contains("1.0.0", Tool.Ok("umoci", "ls", "--layout", layout));
        var layerDigest = layer.GetProperty("digest").GetString()!;
        Assert.Equal(File.ReadAllBytes(package), File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", Digest.Hex(layerDigest))));

        // skopeo copies it to another repository (the digest survives); fnpkg installs the copy.
        var copy = Repo("copy");
        Tool.Ok("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{Host}/{repo}:1.0.0", $"docker://{Host}/{copy}:prod");
        using var client = _env.AnonymousClient();
        Assert.Equal(pushed.Digest, (await client.HeadManifestAsync(copy, "prod"))!.Digest);
        var result = await Installer().InstallAsync(OciRequest($"oci://{Host}/{copy}:prod", Host));
        Assert.Equal(FunctionDirectory, result.FunctionDirectory);
    }

    [Fact]
    public async Task An_image_a_missing_tag_and_an_unknown_digest_are_coded_errors_and_nothing_is_installed()
    {
        using var client = _env.AnonymousClient();
        var imageRepo = Repo("image");
        await ImagePusher.PushAsync(TestImages.TwoLayers(Temp.Folder("blobs"), "img"), client, imageRepo, "1.0.0", TestImages.Resolver(Temp.Folder("cache"), client));
        var notOurs = await AssertInstallFails($"oci://{Host}/{imageRepo}:1.0.0", DiagnosticCodes.OciNotAFunctionPackage, Host);
        Assert.Contains(OciErrors.NotExpectedArtifact, notOurs.Message);

        // Another artifact type (an SBOM, say) under a tag is not a package either.
        var sbomRepo = Repo("sbom");
        await OciArtifacts.PushFileAsync(client, sbomRepo, "1.0.0", "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json", WriteFile("sbom.cdx.json", "{}"));
        await AssertInstallFails($"oci://{Host}/{sbomRepo}:1.0.0", DiagnosticCodes.OciNotAFunctionPackage, Host);

        var repo = Repo("missing");
        await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(Function().Build(Temp.Folder("out")), ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);
        var missing = await AssertInstallFails($"oci://{Host}/{repo}:2.0.0", DiagnosticCodes.OciPackageNotFound, Host);
        Assert.Contains(OciErrors.ManifestNotFound, missing.Message);
        await AssertInstallFails($"oci://{Host}/{repo}@sha256:{new string('0', 64)}", DiagnosticCodes.OciPackageNotFound, Host);

        // Through fnpkg: the exit codes, and a reference that is not one is a usage error before anything is asked.
        Assert.Equal(ExitCodes.NotFound, (await RunCli("install", $"oci://{Host}/{repo}:2.0.0", "--root", Root, "--insecure-registry", Host)).ExitCode);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("install", $"oci://{Host}/{imageRepo}:1.0.0", "--root", Root, "--insecure-registry", Host)).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await RunCli("install", "oci://no-registry-host/fn:1.0.0", "--root", Root)).ExitCode);
        var bad = await Assert.ThrowsAsync<FunctionPackageException>(() => Installer().InstallAsync(OciRequest("oci://fn/hello:1.0.0")));
        Assert.Equal(DiagnosticCodes.OciReferenceInvalid, bad.Code);
        Assert.Contains(OciErrors.InvalidReference, bad.Message);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task Registry_401_500_a_dropped_connection_mid_blob_and_flipped_bytes_are_coded_errors_and_nothing_is_half_installed()
    {
        var package = Function().Build(Temp.Folder("out"));
        var repo = Repo("faults");
        await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(package, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);

        using (var failing = new FaultProxy(Host) { FaultFor = (method, path) => path.Contains("/manifests/") ? Fault.ServerError : Fault.None })
        {
            var ex = await AssertInstallFails($"oci://{failing.Host}/{repo}:1.0.0", DiagnosticCodes.OciRegistryFailed, failing.Host);
            Assert.Contains(OciErrors.ServerError, ex.Message);
        }
        using (var dropping = new FaultProxy(Host) { FaultFor = (method, path) => method == "GET" && path.Contains("/blobs/sha256:") ? Fault.DropMidBody : Fault.None })
        {
            var ex = await AssertInstallFails($"oci://{dropping.Host}/{repo}:1.0.0", DiagnosticCodes.OciRegistryFailed, dropping.Host);
            Assert.Contains(OciErrors.ConnectionDropped, ex.Message);
        }
        using (var corrupting = new FaultProxy(Host) { FaultFor = (method, path) => method == "GET" && path.Contains("/blobs/sha256:") ? Fault.CorruptBody : Fault.None })
        {
            var ex = await AssertInstallFails($"oci://{corrupting.Host}/{repo}:1.0.0", DiagnosticCodes.OciDigestMismatch, corrupting.Host);
            Assert.Contains(OciErrors.DigestMismatch, ex.Message);
        }
        // Plain HTTP only when named: without --insecure-registry the TLS handshake with the loopback registry fails.
        var tls = await AssertInstallFails($"oci://{Host}/{repo}:1.0.0", DiagnosticCodes.OciRegistryFailed, "other.example:5000");
        Assert.Contains(OciErrors.TlsFailed, tls.Message);

        // The htpasswd registry: pushed with credentials; pulled without them is 401 → FPKG5263, with them it installs.
        var basic = _env.Basic.Host;
        var credentials = new CredentialStore(new RegistryCredential(RegistryEnvironment.User, RegistryEnvironment.Password), Array.Empty<string>());
        await Pusher(RegistryEnvironment.Options(credentials, basic)).PushAsync(package, ImageReference.Parse($"{basic}/{repo}"), CancellationToken.None);
        var denied = await AssertInstallFails($"oci://{basic}/{repo}:1.0.0", DiagnosticCodes.OciAccessDenied, basic);
        Assert.Contains(OciErrors.Unauthorized, denied.Message);
        var pushDenied = await Assert.ThrowsAsync<FunctionPackageException>(() => Pusher(RegistryEnvironment.Options(null, basic)).PushAsync(package, ImageReference.Parse($"{basic}/{repo}:other"), CancellationToken.None));
        Assert.Equal(DiagnosticCodes.OciAccessDenied, pushDenied.Code);
        Assert.Equal(FunctionDirectory, (await Installer(credentials).InstallAsync(OciRequest($"oci://{basic}/{repo}:1.0.0", basic))).FunctionDirectory);
    }

    [Fact]
    public async Task Push_verifies_first_a_tampered_package_is_refused_and_nothing_reaches_the_registry()
    {
        var builder = Function();
        builder.EditManifest = manifest => manifest.Files[0].Sha512 = new string('A', 86) + "==";
        var package = builder.Build(Temp.Folder("out"));
        var repo = Repo("tampered");

        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(package, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None));
        Assert.Equal(DiagnosticCodes.FileHashMismatch, ex.Code);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("push", package, $"oci://{Host}/{repo}", "--insecure-registry", Host)).ExitCode);
        using var client = _env.AnonymousClient();
        Assert.Null(await client.HeadManifestAsync(repo, "1.0.0"));

        // A destination that is not oci://, or a request timeout out of range, is a usage error.
        var good = Function().Build(Temp.Folder("ok"));
        Assert.Equal(ExitCodes.Usage, (await RunCli("push", good, $"{Host}/{repo}")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await RunCli("push", good, $"oci://{Host}/{repo}", "--insecure-registry", Host, "--request-timeout", "-1")).ExitCode);
        Assert.Null(await client.HeadManifestAsync(repo, "1.0.0"));
    }
    [Fact]
    public async Task Push_attaches_the_sbom_as_a_referrer_that_skopeo_sees_and_fnpkg_sbom_reads_it_without_downloading_the_package()
    {
        var package = FunctionWithSbom().Build(Temp.Folder("out"));
        var repo = Repo("sbomref");
        var (exitCode, output) = await RunCli("push", package, $"oci://{Host}/{repo}", "--insecure-registry", Host);
        Assert.True(exitCode == ExitCodes.Success, output);
        using var client = _env.AnonymousClient();
        var packageDigest = (await client.HeadManifestAsync(repo, "1.0.0"))!.Digest;

        // docker-registry 2.8.2 has no referrers API: the referrer is found through the tag schema's index.
        var referrers = await OciReferrers.ListAsync(client, repo, packageDigest, FunctionPackage.Oci.Packages.FunctionPackageArtifact.SbomArtifactType);
        var referrer = Assert.Single(referrers);
        Assert.Equal("Hello.Function", referrer.Annotations![OciPackageArtifact.IdAnnotation]);
        Assert.NotNull(await client.HeadManifestAsync(repo, RegistryClient.ReferrersTag(packageDigest)));

        // An independent client sees a valid referrer: its subject is the package, its one layer the unchanged SBOM.
        var raw = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{Host}/{repo}@{referrer.Digest}")).RootElement;
        Assert.Equal("application/vnd.cyclonedx+json", raw.GetProperty("artifactType").GetString());
        Assert.Equal(packageDigest, raw.GetProperty("subject").GetProperty("digest").GetString());
        var layer = raw.GetProperty("layers").EnumerateArray().Single();
        Assert.Equal("sbom.cdx.json", layer.GetProperty("annotations").GetProperty(Annotations.Title).GetString());
        var index = JsonDocument.Parse(Tool.Ok("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{Host}/{repo}:{RegistryClient.ReferrersTag(packageDigest)}")).RootElement;
        Assert.Equal(referrer.Digest, index.GetProperty("manifests").EnumerateArray().Single().GetProperty("digest").GetString());
        var layout = Temp.Combine("layout");
        Tool.Ok("skopeo", "copy", "--src-tls-verify=false", $"docker://{Host}/{repo}@{referrer.Digest}", $"oci:{layout}:sbom");
        Assert.Equal(Sbom, File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", Digest.Hex(layer.GetProperty("digest").GetString()!))));

        // fnpkg sbom oci://… through a recording proxy: the SBOM, byte for byte, and the package's blob never fetched.
        using var proxy = new FaultProxy(Host);
        var (sbomExit, printed) = await RunCli("sbom", $"oci://{proxy.Host}/{repo}:1.0.0", "--insecure-registry", proxy.Host);
        Assert.True(sbomExit == ExitCodes.Success, printed);
        Assert.Equal(Sbom, System.Text.Encoding.UTF8.GetBytes(printed));
        var packageLayer = (await OciArtifacts.GetManifestAsync(client, repo, "1.0.0", OciPackageArtifact.ArtifactType)).Manifest.Layers[0].Digest;
        Assert.DoesNotContain(proxy.Requests, r => r.Contains(packageLayer, StringComparison.Ordinal));
        Assert.Contains(proxy.Requests, r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/blobs/" + layer.GetProperty("digest").GetString(), StringComparison.Ordinal));

        // --from-package reads (and verifies) the package's own copy, by digest too: the same bytes.
        var (fromPackageExit, fromPackage) = await RunCli("sbom", $"oci://{Host}/{repo}@{packageDigest}", "--from-package", "--insecure-registry", Host);
        Assert.True(fromPackageExit == ExitCodes.Success, fromPackage);
        Assert.Equal(printed, fromPackage);
    }

    [Fact]
    public async Task Sbom_of_a_package_without_a_referrer_reads_the_package_and_sbom_of_id_at_version_reads_the_sources()
    {
        // A package without an SBOM gets no referrer; fnpkg sbom oci://… falls back to the package: FPKG2052, exit 2.
        var bare = Function().Build(Temp.Folder("bare"));
        var repo = Repo("nosbom");
        var pushed = await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(bare, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);
        Assert.Null(pushed.SbomDigest);
        using var client = _env.AnonymousClient();
        Assert.Empty(await OciReferrers.ListAsync(client, repo, pushed.Digest));
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("sbom", $"oci://{Host}/{repo}:1.0.0", "--insecure-registry", Host)).ExitCode);
        // Not a package: an SBOM artifact under a tag is not read as one (FPKG5264, exit 2); a missing tag is exit 3.
        var sbomRepo = Repo("sbomonly");
        await OciArtifacts.PushFileAsync(client, sbomRepo, "1.0.0", "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json", WriteFile("sbom.cdx.json", "{}"));
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("sbom", $"oci://{Host}/{sbomRepo}:1.0.0", "--insecure-registry", Host)).ExitCode);
        Assert.Equal(ExitCodes.NotFound, (await RunCli("sbom", $"oci://{Host}/{repo}:9.9.9", "--insecure-registry", Host)).ExitCode);

        // id@version: fetched from the feed, verified, printed; a version the feed lacks is exit 3.
        var withSbom = FunctionWithSbom().Build(Temp.Folder("pkg"));
        File.Copy(withSbom, Path.Combine(Feed, Path.GetFileName(withSbom)));
        var (exitCode, printed) = await RunCli("sbom", "Hello.Function@1.0.0", "--source", Feed);
        Assert.True(exitCode == ExitCodes.Success, printed);
        Assert.Equal(Sbom, System.Text.Encoding.UTF8.GetBytes(printed));
        Assert.Equal(ExitCodes.NotFound, (await RunCli("sbom", "Hello.Function@9.9.9", "--source", Feed)).ExitCode);
    }

    [Fact]
    public async Task A_referrers_list_naming_a_manifest_of_another_subject_is_FPKG6021_and_several_sbom_referrers_are_FPKG5290()
    {
        var package = FunctionWithSbom().Build(Temp.Folder("out"));
        var repo = Repo("badref");
        var pushed = await Pusher(RegistryEnvironment.Options(null, Host)).PushAsync(package, ImageReference.Parse($"{Host}/{repo}"), CancellationToken.None);
        using var client = _env.AnonymousClient();
        var package2 = (await client.HeadManifestAsync(repo, "1.0.0"))!;

        // A referrer of another manifest, read as one of this package (as a broken registry's referrers list might name it).
        var other = await OciArtifacts.PushFileAsync(client, repo, "other", "application/example", "application/example", WriteFile("other.txt", "x"));
        var stray = await OciReferrers.PushAsync(client, repo, other, "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json", "sbom.cdx.json", Sbom,
            new Dictionary<string, string> { [OciPackageArtifact.IdAnnotation] = "Hello.Function" });
        var ex = await Assert.ThrowsAsync<OciException>(() => OciReferrers.ReadAsync(client, repo, package2.Digest, stray, "application/vnd.cyclonedx+json"));
        Assert.Equal(OciErrors.NotAReferrer, ex.Code);

        // A second SBOM referrer in the package's name: which one is meant is unknowable (FPKG5290, exit 2); --from-package still works.
        var second = System.Text.Encoding.UTF8.GetBytes("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":2}");
        await OciReferrers.PushAsync(client, repo, package2, "application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json", "sbom.cdx.json", second,
            new Dictionary<string, string> { [OciPackageArtifact.IdAnnotation] = "Hello.Function" });
        var ambiguous = await Assert.ThrowsAsync<FunctionPackageException>(() => new OciSbomReader(r => new RegistryClient(r, RegistryEnvironment.Options(null, Host)))
            .ReadAsync(ImageReference.Parse($"{Host}/{repo}:1.0.0"), CancellationToken.None));
        Assert.Equal(DiagnosticCodes.OciSbomAmbiguous, ambiguous.Code);
        Assert.Contains(pushed.SbomDigest!, ambiguous.Message);
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("sbom", $"oci://{Host}/{repo}:1.0.0", "--insecure-registry", Host)).ExitCode);
        Assert.Equal(ExitCodes.Success, (await RunCli("sbom", $"oci://{Host}/{repo}:1.0.0", "--from-package", "--insecure-registry", Host)).ExitCode);
    }
}
