using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Every sample through the image targets with the real fnpkg, each image run <b>as exported</b> under podman:
/// <c>--target oci</c> answers a binary CloudEvent and a plain JSON POST (the Knative/Cloud Run container contract),
/// <c>--target openwhisk</c> answers <c>/init</c> + <c>/run</c> as OpenWhisk's invoker sends them (<see cref="OpenWhiskInvoker"/>).
/// One loopback registry and one base image (this machine's runtime, ASP.NET Core and ICU) for the class.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ImageExportLifecycleTests : IClassFixture<ImageExportLifecycleTests.Images>
{
    private const string BinarySource = "/tests/image-export";
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;
    private readonly Images _images;

    public ImageExportLifecycleTests(EndToEndEnvironment env, Images images)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
        _images = images;
    }

    /// <summary>The real docker-registry on 127.0.0.1, the ASP.NET Core test base image pushed to it, and podman's storage.</summary>
    public sealed class Images : IAsyncLifetime
    {
        public TestRoot Root { get; } = new("image-export");
        public LocalRegistry Registry { get; private set; } = null!;
        public ImageReference BaseImage { get; private set; } = null!;
        public string PodmanFolder => Root.Combine("podman");

        public async Task InitializeAsync()
        {
            Tool.Require("docker-registry", "docker-registry");
            Registry = new LocalRegistry(Root.Combine("registry"));
            var options = new RegistryOptions
            {
                InsecureRegistries = new HashSet<string>(new[] { Registry.Host }, StringComparer.OrdinalIgnoreCase),
                Credentials = CredentialStore.Anonymous,
                Timeout = TimeSpan.FromSeconds(30),
            };
            using var client = new RegistryClient(Registry.Host, options);
            // With ICU, as Microsoft's aspnet images: Inventory needs the fr culture (invariant globalization refuses it).
            BaseImage = await DotNetBaseImage.BuildAndPushAsync(client, Root.Combine("base"), withAspNetCore: true, withIcu: true);
        }

        public Task DisposeAsync()
        {
            Tool.Run(Tool.Script("podman.sh"), PodmanFolder, "--cleanup");
            Registry?.Dispose();
            Root.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>fnpkg export to the loopback registry onto the test base image; the image pinned by the printed digest.</summary>
    private string Export(PublishedFunction function, string target, string repository)
    {
        var registry = _images.Registry.Host;
        var run = Fnpkg.Run(_env.Root.Path, new[] { "export", function.IdAtVersion, "--target", target, "--image", $"{registry}/{repository}:{function.Version}",
            "--base-image", _images.BaseImage.ToString(), "--insecure-registry", registry,
            "--source", _samples.FunctionFeed, "--source", _samples.DependencyFeed }, TimeSpan.FromMinutes(5));
        Assert.True(run.Succeeded, run.Log);
        var digest = run.Stdout.Split('\n')[0];
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        return $"{registry}/{repository}@{digest}";
    }

    /// <summary>Runs the image with its own entrypoint, host networking and a free PORT; always removed afterwards, its log on failure.</summary>
    private async Task InContainerAsync(string image, Func<int, Task> use)
    {
        var port = LocalRegistry.FreePort();
        var name = "fnpkg-e2e-image-" + Guid.NewGuid().ToString("N")[..12];
        string Logs() => Tool.Run(Tool.Script("podman.sh"), _images.PodmanFolder, _images.Registry.Host, "logs", name).ToString();
        try
        {
            var run = Tool.Run(Tool.Script("podman.sh"), new[] { _images.PodmanFolder, _images.Registry.Host, "run", "-d", "--name", name, "--network", "host",
                "--read-only", "-e", $"PORT={port}", image }, TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, run.ToString());
            try
            {
                await use(port);
            }
            catch (Exception e)
            {
                Assert.Fail($"{e}\n--- container log\n{Logs()}");
            }
        }
        finally
        {
            Tool.Run(Tool.Script("podman.sh"), _images.PodmanFolder, _images.Registry.Host, "rm", "-f", "-t", "2", name);
        }
    }

    private static JsonElement Answer(HttpResponseMessage response, string body, string what)
    {
        Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(LifecycleSamples.Names), MemberType = typeof(LifecycleSamples))]
    public async Task Every_sample_exported_as_an_oci_image_answers_a_binary_cloudevent_and_plain_json_under_podman(string sample)
    {
        var (function, answers) = _samples.WithAnswers(sample);
        var image = Export(function, "oci", "e2e/" + sample.ToLowerInvariant());

        await InContainerAsync(image, async port =>
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    using var health = await http.GetAsync("/healthz");
                    if (health.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                Assert.True(DateTime.UtcNow < deadline, "the container never answered /healthz");
                await Task.Delay(250);
            }

            // Binary mode: the ce- headers are the event's attributes, the body its data; the reply's body is the result.
            using var binary = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(answers.First, Encoding.UTF8, "application/json") };
            binary.Headers.Add("ce-specversion", "1.0");
            binary.Headers.Add("ce-id", "e2e-1");
            binary.Headers.Add("ce-source", BinarySource);
            binary.Headers.Add("ce-type", "com.example.request");
            using var binaryReply = await http.SendAsync(binary);
            answers.CheckFirst(Answer(binaryReply, await binaryReply.Content.ReadAsStringAsync(), "binary CloudEvent"), BinarySource);
            Assert.Equal("com.example.request.response", binaryReply.Headers.GetValues("ce-type").Single());
            Assert.Equal(function.ResponseSource, binaryReply.Headers.GetValues("ce-source").Single());

            using var plain = await http.PostAsync("/", new StringContent(answers.Second, Encoding.UTF8, "application/json"));
            answers.CheckSecond(Answer(plain, await plain.Content.ReadAsStringAsync(), "plain JSON"), SampleAnswers.PlainRequestSource);
        });
    }

    [Theory]
    [MemberData(nameof(LifecycleSamples.Names), MemberType = typeof(LifecycleSamples))]
    public async Task Every_sample_exported_as_an_openwhisk_docker_action_answers_init_and_run_under_podman(string sample)
    {
        var (function, answers) = _samples.WithAnswers(sample);
        var image = Export(function, "openwhisk", "e2e/ow-" + sample.ToLowerInvariant());

        await InContainerAsync(image, async port =>
        {
            using var invoker = new OpenWhiskInvoker(new Uri($"http://127.0.0.1:{port}/"), sample.ToLowerInvariant());
            var init = await invoker.InitAsync(TimeSpan.FromSeconds(60));
            Assert.True(init.Status == 200, $"/init: {init}");

            // The action's parameters are the function's input; its source the action's fully qualified name.
            var first = await invoker.RunAsync(JsonNode.Parse(answers.First));
            Assert.True(first.Status == 200, $"/run: {first}");
            answers.CheckFirst(first.Json, invoker.ActionName);
            var second = await invoker.RunAsync(JsonNode.Parse(answers.Second));
            Assert.True(second.Status == 200, $"/run: {second}");
            answers.CheckSecond(second.Json, invoker.ActionName);
        });
    }
}
