using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.Oci;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace FunctionPackage.Exporting.Tests;

/// <summary>
/// fnpkg export --target oci against the real loopback registry and podman: the image runs the function as non-root on
/// a read-only root and answers every event mode; exports are reproducible and a code change moves only the function
/// layer; every refusal is coded and leaves no tag and no file.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class ExportTests : IDisposable
{
    private readonly ExportFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly TestRoot _temp = new("export-test");

    public ExportTests(ExportFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    private string Registry => _fixture.Registry;

    /// <summary>fnpkg in process: exit code, stdout, stderr (printed to the test log either way).</summary>
    private Task<(int ExitCode, string Output, string Errors)> Fnpkg(params string[] args) => InProcessFnpkg.RunAsync(_output, args);

    /// <summary>export onto the ASP.NET Core test base, unless <paramref name="more"/> names another --base-image.</summary>
    private string[] ExportArgs(string package, params string[] more) => new[]
    {
        "export", package, "--target", "oci", "--insecure-registry", Registry, "--source", _fixture.Feed,
    }.Concat(more.Contains("--base-image") ? Array.Empty<string>() : new[] { "--base-image", _fixture.BaseImage.ToString() }).Concat(more).ToArray();

    private OciExportRequest Request(string package, string? image = null, string? output = null, string? baseImage = null) => new()
    {
        Install = new InstallRequest { Package = package, Root = "(temporary)", Sources = new[] { _fixture.Feed }, WorkingDirectory = _temp.Path },
        HostDirectory = Path.GetDirectoryName(Environment.GetEnvironmentVariable("FNPKG_HOST_PATH"))!,
        Image = image,
        Output = output,
        ServiceManifest = _temp.Combine("service.yaml"),
        BaseImage = baseImage ?? _fixture.BaseImage.ToString(),
        InsecureRegistries = new HashSet<string> { Registry },
        TempFolder = _temp.Path,
        Runtime = new RuntimeConfiguration { Environment = new[] { KeyValuePair.Create("CURRENCY", "EUR") } },
    };

    [Fact]
    public async Task The_exported_image_runs_under_podman_non_root_on_a_read_only_root_answers_every_event_mode_and_drains_on_SIGTERM()
    {
        var sw = Stopwatch.StartNew();
        var manifestPath = _temp.Combine("deploy", "service.yaml");
        var (exit, stdout, _) = await Fnpkg(ExportArgs(_fixture.Package, "--image", $"{Registry}/fn/hello:1.0.0", "--env", "CURRENCY=EUR",
            "--invocation-timeout", "7", "--drain-timeout", "8", "--service-manifest", manifestPath));
        Assert.Equal(0, exit);
        var digest = stdout.Split('\n')[0];
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        var pinned = $"{Registry}/fn/hello@{digest}";
        Assert.Contains($"kubectl apply -f {manifestPath}", stdout);
        Assert.Contains($"gcloud run deploy hello-function --image {pinned} --port 8080", stdout);
        var yaml = File.ReadAllText(manifestPath);
        Assert.Contains($"- image: \"{pinned}\"", yaml);
        Assert.Contains("kind: Service", yaml);
        Assert.Contains("readOnlyRootFilesystem: true", yaml);
        _output.WriteLine($"export: {sw.Elapsed}");

        // The config as the registry serves it.
        using var client = _fixture.Registries.AnonymousClient();
        var manifest = (await client.GetManifestAsync("fn/hello", digest)).AsManifest();
        var config = ImageConfig.Parse(await client.GetBlobBytesAsync("fn/hello", manifest.Config));
        var baseManifest = (await client.GetManifestAsync(_fixture.BaseImage.Repository, _fixture.BaseImage.Reference)).AsManifest();
        Assert.Equal(baseManifest.Layers.Count + 3, manifest.Layers.Count); // host, packages, function
        Assert.Equal(OciExporter.User, config.User);
        Assert.Equal("/fnpkg/functions/hello.function/1.0.0", config.WorkingDir);
        Assert.Contains("PORT=8080", config.Env);
        Assert.Contains("CURRENCY=EUR", config.Env);
        Assert.Equal(new[] { "dotnet", "exec", "--additionalprobingpath", "/fnpkg/packages", "/fnpkg/host/FunctionPackage.Host.dll", "serve",
            "--function", "/fnpkg/functions/hello.function/1.0.0", "--invocation-timeout", "7", "--drain-timeout", "8" }, config.Entrypoint);
        Assert.Equal(ExportFixture.FunctionId, config.Labels[OciExporter.LabelPackageId]);
        Assert.Equal("1.0.0", config.Labels[OciExporter.LabelPackageVersion]);
        Assert.False(string.IsNullOrEmpty(config.Labels[OciExporter.LabelManifestSha512]));

        var podmanDir = _temp.Combine("podman");
        var port = LocalRegistry.FreePort();
        var name = "fnpkg-export-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            // Host networking (never the default bridge), the platform's contract: PORT and K_SERVICE set by the runtime.
            var run = Tool.Run(Tool.Script("podman.sh"), new[] { podmanDir, Registry, "run", "-d", "--name", name, "--network", "host", "--read-only",
                "-e", $"PORT={port}", "-e", "K_SERVICE=hello-function", pinned }, TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, run.ToString());
            _output.WriteLine($"podman run: {sw.Elapsed}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitHealthyAsync(http, podmanDir, name);
            _output.WriteLine($"healthy: {sw.Elapsed}");

            // Plain JSON.
            var plain = await http.PostAsync("/", new StringContent("{\"name\":\"Ada\",\"count\":2}", Encoding.UTF8, "application/json"));
            AssertReply(await plain.Content.ReadAsStringAsync(), plain.StatusCode, "hello Ada x2");

            // Binary mode.
            var binary = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{\"name\":\"Bob\",\"count\":3}", Encoding.UTF8, "application/json") };
            binary.Headers.Add("ce-specversion", "1.0");
            binary.Headers.Add("ce-id", "1");
            binary.Headers.Add("ce-source", "/tests");
            binary.Headers.Add("ce-type", "com.example.order");
            var binaryReply = await http.SendAsync(binary);
            Assert.Equal("com.example.order.response", binaryReply.Headers.GetValues("ce-type").Single());
            AssertReply(await binaryReply.Content.ReadAsStringAsync(), binaryReply.StatusCode, "hello Bob x3");

            // Structured mode.
            var structured = await http.PostAsync("/", new StringContent(Event("2", "Cy", 4), Encoding.UTF8, "application/cloudevents+json"));
            var structuredEvent = JsonDocument.Parse(await structured.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("com.example.order.response", structuredEvent.GetProperty("type").GetString());
            AssertReply(structuredEvent.GetProperty("data").GetRawText(), structured.StatusCode, "hello Cy x4");

            // Batch: one reply per event, in order.
            var batch = await http.PostAsync("/", new StringContent($"[{Event("3", "Di", 5)},{Event("4", "Ed", 6)}]", Encoding.UTF8, "application/cloudevents-batch+json"));
            var replies = JsonDocument.Parse(await batch.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
            Assert.Equal(2, replies.Count);
            AssertReply(replies[0].GetProperty("data").GetRawText(), batch.StatusCode, "hello Di x5");
            AssertReply(replies[1].GetProperty("data").GetRawText(), batch.StatusCode, "hello Ed x6");
            _output.WriteLine($"answers: {sw.Elapsed}");
            Assert.Contains("K_SERVICE=hello-function", Logs(podmanDir, name));

            // SIGTERM as the platform stops a revision: a 6 s invocation in flight, `podman stop` with Cloud Run's 10 s
            // grace, then SIGKILL (exit 137). The host stops taking requests, answers the one in flight and exits 0 itself.
            var slow = http.PostAsync("/", new StringContent("{\"name\":\"slow\",\"count\":6000}", Encoding.UTF8, "application/json"));
            await Task.Delay(300);
            var stopping = Stopwatch.StartNew();
            var stop = Task.Run(() => Tool.Run(Tool.Script("podman.sh"), new[] { podmanDir, Registry, "stop", "-t", "10", name }, TimeSpan.FromMinutes(1)));
            using (var fresh = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(2) })
            {
                // A new connection while draining is refused (Kestrel closed its listener), the in-flight one still open.
                await EventuallyAsync(async () =>
                {
                    try { (await fresh.GetAsync("/healthz")).Dispose(); return false; }
                    catch (HttpRequestException) { return true; }
                }, "the host kept taking new requests after SIGTERM", podmanDir, name);
            }
            var answer = await slow;
            AssertReply(await answer.Content.ReadAsStringAsync(), answer.StatusCode, "hello slow x6000");
            var stopped = await stop;
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
            _output.WriteLine($"podman stop -t 10 (its own start included): {stopping.Elapsed}");
            // 0, not 137: the host exited on its own before the grace period ended and podman would have killed it.
            var exitCode = Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "inspect", "--format", "{{.State.ExitCode}}", name);
            Assert.True(exitCode.StandardOutput.Trim() == "0", exitCode + "\n" + Logs(podmanDir, name));
            var log = Logs(podmanDir, name);
            Assert.Contains("Stopping: no new requests; draining 1 in-flight invocation(s) for up to 8 s (--drain-timeout).", log);
            Assert.Contains("Drained in ", log);
        }
        finally
        {
            _output.WriteLine(Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "logs", name).ToString());
            Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "rm", "-f", "-t", "2", name);
            Tool.Run(Tool.Script("podman.sh"), podmanDir, "--cleanup");
        }
    }

    private string Logs(string podmanDir, string name)
    {
        var logs = Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "logs", name);
        return logs.StandardOutput + logs.StandardError;
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition, string failure, string podmanDir, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{failure}:\n{Logs(podmanDir, name)}");
            await Task.Delay(100);
        }
    }

    private static string Event(string id, string name, int count) =>
        $"{{\"specversion\":\"1.0\",\"id\":\"{id}\",\"source\":\"/tests\",\"type\":\"com.example.order\",\"datacontenttype\":\"application/json\",\"data\":{{\"name\":\"{name}\",\"count\":{count}}}}}";

    /// <summary>The function's answer: its text, the --env value, the non-root uid, a read-only root and a writable /tmp.</summary>
    private void AssertReply(string json, HttpStatusCode status, string text)
    {
        _output.WriteLine($"{(int)status} {json}");
        Assert.Equal(HttpStatusCode.OK, status);
        var reply = JsonDocument.Parse(json).RootElement;
        Assert.Equal(text, reply.GetProperty("text").GetString());
        Assert.Equal("EUR", reply.GetProperty("currency").GetString());
        Assert.Equal(OciExporter.User, reply.GetProperty("uid").GetString());
        Assert.False(reply.GetProperty("rootWritable").GetBoolean());
        Assert.True(reply.GetProperty("tmpWritable").GetBoolean());
    }

    private static async Task WaitHealthyAsync(HttpClient http, string podmanDir, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail("the container never answered /healthz:\n" + Tool.Run(Tool.Script("podman.sh"), podmanDir, "-", "logs", name));
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Two_exports_give_one_digest_and_a_code_change_uploads_only_the_function_layer()
    {
        var exporter = new OciExporter(NullLogger.Instance);
        var first = await exporter.ExportAsync(Request(_fixture.Package, image: $"{Registry}/fn/repro:a"));
        var second = await exporter.ExportAsync(Request(_fixture.Package, image: $"{Registry}/fn/repro:b"));
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(0, second.BytesUploaded); // every blob, the config and the manifest are there already
        var tar = await exporter.ExportAsync(Request(_fixture.Package, output: _temp.Combine("out", "hello.tar")));
        Assert.Equal(first.Digest, tar.Digest); // the same image whether pushed or written
        var inspect = Tool.Run("skopeo", "inspect", "--raw", $"oci-archive:{tar.OutputPath}:1.0.0");
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Equal(first.Digest, Digest.Of(Encoding.UTF8.GetBytes(inspect.StandardOutput.TrimEnd('\n'))));
        // umoci, a second independent reader, unpacks it into a runtime bundle: our layers' files, the non-root user, the entrypoint.
        var layout = _temp.Combine("out", "layout");
        Directory.CreateDirectory(layout);
        Tool.Ok("tar", "-xf", tar.OutputPath!, "-C", layout);
        var bundle = _temp.Combine("out", "bundle");
        Tool.Ok("umoci", "unpack", "--image", $"{layout}:1.0.0", bundle);
        Assert.True(File.Exists(Path.Combine(bundle, "rootfs/fnpkg/host/FunctionPackage.Host.dll")));
        Assert.True(File.Exists(Path.Combine(bundle, "rootfs/fnpkg/functions/hello.function/1.0.0/function.json")));
        var process = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "config.json"))).RootElement.GetProperty("process");
        Assert.Equal(int.Parse(OciExporter.User, System.Globalization.CultureInfo.InvariantCulture), process.GetProperty("user").GetProperty("uid").GetInt32());
        Assert.Equal("dotnet", process.GetProperty("args")[0].GetString());

        var changed = await exporter.ExportAsync(Request(_fixture.ChangedPackage, image: $"{Registry}/fn/repro:c"));
        Assert.NotEqual(first.Digest, changed.Digest);
        var count = first.LayerDigests.Count;
        Assert.Equal(first.LayerDigests.Take(count - 1), changed.LayerDigests.Take(count - 1)); // base, host, packages
        Assert.NotEqual(first.FunctionLayerDigest, changed.FunctionLayerDigest);
        using var client = _fixture.Registries.AnonymousClient();
        var manifest = (await client.GetManifestAsync("fn/repro", changed.Digest)).AsManifest();
        Assert.Equal(manifest.Layers[^1].Size + manifest.Config.Size, changed.BytesUploaded);
        _output.WriteLine($"re-export after a one-line change: {changed.BytesUploaded} bytes uploaded (function layer {manifest.Layers[^1].Size}, config {manifest.Config.Size})");
    }

    [Fact]
    public async Task Usage_errors_are_coded_before_anything_is_written()
    {
        var output = _temp.Combine("usage.tar");
        var unknown = await Fnpkg("export", _fixture.Package, "--target", "lambda", "--output", output);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains(ExportErrors.UnknownTarget + ":", unknown.Errors);

        var none = await Fnpkg(ExportArgs(_fixture.Package));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains(ExportErrors.NoDestination + ":", none.Errors);
        var both = await Fnpkg(ExportArgs(_fixture.Package, "--image", $"{Registry}/fn/x:1", "--output", output));
        Assert.Equal(1, both.ExitCode);
        Assert.Contains(ExportErrors.NoDestination + ":", both.Errors);

        var env = await Fnpkg(ExportArgs(_fixture.Package, "--output", output, "--env", "1BAD=x"));
        Assert.Equal(1, env.ExitCode);
        Assert.Contains(ExportErrors.InvalidEnvironment + ":", env.Errors);
        var drain = await Fnpkg(ExportArgs(_fixture.Package, "--output", output, "--drain-timeout", "-1"));
        Assert.Equal(1, drain.ExitCode);
        Assert.Contains("--drain-timeout must be 0 (stop at once) or a positive number of seconds", drain.Errors);
        var platform = await Fnpkg(ExportArgs(_fixture.Package, "--output", output, "--platform", "windows/amd64"));
        Assert.Equal(1, platform.ExitCode);
        Assert.Contains(ExportErrors.InvalidPlatform + ":", platform.Errors);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(_temp.Combine("service.yaml")));
    }

    [Fact]
    public async Task A_base_image_without_ASP_NET_Core_is_refused_with_no_tag_and_no_file()
    {
        var runtimeOnly = await _fixture.Registries.DotNetBaseImageAsync();
        var output = _temp.Combine("no-aspnet.tar");
        var push = await Fnpkg(ExportArgs(_fixture.Package, "--base-image", runtimeOnly.ToString(), "--image", $"{Registry}/fn/no-aspnet:1"));
        Assert.Equal(4, push.ExitCode);
        Assert.Contains(ExportErrors.BaseImageLacksFramework + ":", push.Errors);
        Assert.Contains("Microsoft.AspNetCore.App", push.Errors);
        var tar = await Fnpkg(ExportArgs(_fixture.Package, "--base-image", runtimeOnly.ToString(), "--output", output));
        Assert.Equal(4, tar.ExitCode);
        Assert.False(File.Exists(output));
        using var client = _fixture.Registries.AnonymousClient();
        await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("fn/no-aspnet", "1"));
    }

    [Fact]
    public async Task A_package_for_another_RID_is_refused()
    {
        var package = new FunctionPackageBuilder { Id = "Arm.Function", Rid = "linux-arm64" }.Build(_temp.Combine("arm"));
        var exception = await Assert.ThrowsAsync<Installing.Diagnostics.FunctionPackageException>(
            () => new OciExporter(NullLogger.Instance).ExportAsync(Request(package, output: _temp.Combine("arm.tar"))));
        Assert.Equal(ExportErrors.PlatformMismatch, exception.Code);
        Assert.Contains("linux-arm64", exception.Message);
        Assert.False(File.Exists(_temp.Combine("arm.tar")));
    }

    [Fact]
    public async Task A_refusing_or_failing_registry_is_coded_and_leaves_no_tag()
    {
        // 401: the htpasswd registry, no credentials.
        var basic = _fixture.Registries.Basic.Host;
        var refused = await Fnpkg(ExportArgs(_fixture.Package, "--image", $"{basic}/fn/hello:1", "--insecure-registry", basic));
        Assert.Equal(ExitCodeTable.Registry, refused.ExitCode);
        Assert.Contains("FPKG6003:", refused.Errors);

        // 500 on the manifest PUT: blobs went up, the tag did not.
        using var proxy = new FaultProxy(Registry)
        {
            FaultFor = (method, path) => method == "PUT" && path.Contains("/manifests/", StringComparison.Ordinal) ? Fault.ServerError : Fault.None,
        };
        var failed = await Fnpkg(ExportArgs(_fixture.Package, "--image", $"{proxy.Host}/fn/fails:1", "--insecure-registry", proxy.Host));
        Assert.Equal(ExitCodeTable.Registry, failed.ExitCode);
        Assert.Matches("FPKG60[0-9]{2}:", failed.Errors);
        using var client = _fixture.Registries.AnonymousClient();
        await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("fn/fails", "1"));
    }

    [Fact]
    public async Task A_connection_dropped_mid_blob_fails_the_push_with_no_tag_and_the_output_with_no_file()
    {
        // The push: the proxy resets the connection part way through the first blob upload's data.
        using (var resetting = new FaultProxy(Registry)
        {
            FaultFor = (method, path) => method == "POST" && path.Contains("/blobs/uploads/", StringComparison.Ordinal) ? Fault.ResetUpload : Fault.None,
        })
        {
            var repository = $"fn/dropped-{Guid.NewGuid():N}"[..20];
            var push = await Fnpkg(ExportArgs(_fixture.Package, "--image", $"{resetting.Host}/{repository}:1", "--insecure-registry", resetting.Host));
            Assert.Equal(3, push.ExitCode);
            Assert.Contains(OciErrors.ConnectionDropped + ":", push.Errors);
            Assert.Contains(resetting.Requests, request => request.StartsWith("POST ", StringComparison.Ordinal) && request.Contains("/blobs/uploads/", StringComparison.Ordinal));
            using var client = _fixture.Registries.AnonymousClient();
            Assert.Null(await client.HeadManifestAsync(repository, "1"));
        }

        // The tar: the base image's last layer drops half way while the layout is being written.
        using var registry = _fixture.Registries.AnonymousClient();
        var baseLayer = (await registry.GetManifestAsync(_fixture.BaseImage.Repository, _fixture.BaseImage.Reference)).AsManifest().Layers[^1].Digest;
        using var dropping = new FaultProxy(Registry)
        {
            FaultFor = (method, path) => method == "GET" && path.EndsWith("/blobs/" + baseLayer, StringComparison.Ordinal) ? Fault.DropMidBody : Fault.None,
        };
        var folder = _temp.Combine("dropped-output");
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "hello.tar");
        var tar = await Fnpkg(ExportArgs(_fixture.Package, "--base-image", (_fixture.BaseImage with { Registry = dropping.Host }).ToString(),
            "--insecure-registry", dropping.Host, "--output", output));
        Assert.Equal(3, tar.ExitCode);
        Assert.Contains(OciErrors.ConnectionDropped + ":", tar.Errors);
        Assert.Contains(dropping.Requests, request => request.StartsWith("GET ", StringComparison.Ordinal) && request.EndsWith("/blobs/" + baseLayer, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder)); // no tar, no temp file, no service.yaml beside it
    }
}
