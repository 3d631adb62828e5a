using System.Diagnostics;
using System.Text.Json.Nodes;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Exporting.Targets.OpenWhisk;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;
using Xunit.Abstractions;

namespace FunctionPackage.Exporting.Tests;

/// <summary>
/// fnpkg export --target openwhisk: the docker-action image, pushed to the loopback registry and driven under podman
/// exactly as OpenWhisk's invoker drives a container (<see cref="OpenWhiskInvoker"/>, written from the contract): the
/// container started with the image's own entrypoint, <c>/init</c> then <c>/run</c> with the activation context, the
/// sentinel lines read back from the container's stdout and stderr. One image, built once for the class; bad export
/// input is coded and leaves no tag and no file.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class OpenWhiskExportTests : IDisposable
{
    /// <summary>One entry point for every case the contract has: a greeting, a throw, a wait that honours the token.</summary>
    public const string ActionSource = """
        namespace Hello.Function;
        public sealed record Request(string Name, string? Mode, int Seconds);
        public sealed record Reply(string Text, string? Activation, string? ActionName, string? ApiHost, string? Currency, string Uid);
        public static class Greeter
        {
            public static async Task<Reply> Handle(Request request, CancellationToken cancellationToken)
            {
                Console.WriteLine($"greeting {request.Name}");
                if (request.Mode == "throw") throw new InvalidOperationException($"Cannot greet {request.Name}.");
                if (request.Mode == "wait")
                {
                    try { await Task.Delay(TimeSpan.FromSeconds(request.Seconds), cancellationToken); }
                    catch (OperationCanceledException) { Console.Error.WriteLine($"cancelled waiting for {request.Name}"); throw; }
                }
                var uid = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[1];
                return new Reply($"hello {request.Name}", Environment.GetEnvironmentVariable("__OW_ACTIVATION_ID"),
                    Environment.GetEnvironmentVariable("__OW_ACTION_NAME"), Environment.GetEnvironmentVariable("__OW_API_HOST"),
                    Environment.GetEnvironmentVariable("CURRENCY"), uid);
            }
        }
        """;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _package;

    private readonly ExportFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly TestRoot _temp = new("export-openwhisk");

    public OpenWhiskExportTests(ExportFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    private string Registry => _fixture.Registry;

    /// <summary>The action's package, built once per run.</summary>
    private async Task<string> PackageAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _package ??= _fixture.PackFunction("OpenWhisk.Action", ActionSource);
        }
        finally
        {
            Gate.Release();
        }
    }

    private Task<(int ExitCode, string Output, string Errors)> Fnpkg(params string[] args) => InProcessFnpkg.RunAsync(_output, args);

    private string[] ExportArgs(string package, params string[] more) => new[]
    {
        "export", package, "--target", "openwhisk", "--insecure-registry", Registry, "--source", _fixture.Feed, "--base-image", _fixture.BaseImage.ToString(),
    }.Concat(more).ToArray();

    private static JsonObject Greet(string name, string? mode = null, int seconds = 0) => new() { ["name"] = name, ["mode"] = mode, ["seconds"] = seconds };

    [Fact]
    public async Task The_exported_image_is_a_docker_action_the_invoker_initializes_once_and_runs_with_its_context()
    {
        var sw = Stopwatch.StartNew();
        var package = await PackageAsync();
        var (exit, stdout, _) = await Fnpkg(ExportArgs(package, "--image", $"{Registry}/fn/ow-action:1.0.0", "--env", "CURRENCY=EUR", "--invocation-timeout", "20"));
        Assert.Equal(0, exit);
        var digest = stdout.Split('\n')[0];
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        var pinned = $"{Registry}/fn/ow-action@{digest}";
        Assert.Contains($"wsk action create openwhisk-action --docker {pinned} --timeout 20000", stdout);
        _output.WriteLine($"export: {sw.Elapsed}");

        using var client = _fixture.Registries.AnonymousClient();
        var manifest = (await client.GetManifestAsync("fn/ow-action", digest)).AsManifest();
        var config = ImageConfig.Parse(await client.GetBlobBytesAsync("fn/ow-action", manifest.Config));
        Assert.Equal(new[] { "dotnet", "exec", "--additionalprobingpath", "/fnpkg/packages", "/fnpkg/host/FunctionPackage.Host.dll", "serve",
            "--function", "/fnpkg/functions/openwhisk.action/1.0.0", "--protocol", "openwhisk", "--invocation-timeout", "20",
            "--max-request-body-bytes", OpenWhiskExporter.DefaultMaxRequestBodyBytes.ToString() }, config.Entrypoint);
        Assert.Contains("PORT=8080", config.Env);
        Assert.Contains("CURRENCY=EUR", config.Env);

        var podmanDir = _temp.Combine("podman");
        var port = LocalRegistry.FreePort();
        var name = "fnpkg-openwhisk-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            // As the invoker starts an action container (docker run -d … -e __OW_API_HOST=… <image>): the image's entrypoint,
            // no arguments; host networking (never a bridge) with PORT moved off 8080, which other tests may hold.
            var run = Tool.Run(Tool.Script("podman.sh"), new[] { podmanDir, Registry, "run", "-d", "--name", name, "--network", "host",
                "-e", $"PORT={port}", "-e", "__OW_API_HOST=https://openwhisk.example.com", pinned }, TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, run.ToString());
            using var invoker = new OpenWhiskInvoker(new Uri($"http://127.0.0.1:{port}/"), "openwhisk-action");

            var init = await invoker.InitAsync(TimeSpan.FromSeconds(60));
            Assert.True(init.Status == 200, $"{init}\n{Logs(podmanDir, name)}");
            _output.WriteLine($"initialized: {sw.Elapsed}");

            var greeted = await invoker.RunAsync(Greet("Ada"), activationId: "0a1b2c3d");
            Assert.True(greeted.Status == 200, greeted.ToString());
            var reply = greeted.Json;
            Assert.Equal("hello Ada", reply.GetProperty("text").GetString());
            Assert.Equal("0a1b2c3d", reply.GetProperty("activation").GetString());
            Assert.Equal(invoker.ActionName, reply.GetProperty("actionName").GetString());
            Assert.Equal("https://openwhisk.example.com", reply.GetProperty("apiHost").GetString());
            Assert.Equal("EUR", reply.GetProperty("currency").GetString());
            Assert.Equal(FunctionImageUser, reply.GetProperty("uid").GetString());

            var bad = await invoker.RunAsync(new JsonObject { ["name"] = "Ada", ["seconds"] = "soon" });
            Assert.True(bad.Status == 502 && bad.Error.StartsWith("FPKG4050: "), bad.ToString());
            var thrown = await invoker.RunAsync(Greet("Bob", "throw"));
            Assert.True(thrown.Status == 502, thrown.ToString());
            Assert.Equal("System.InvalidOperationException: Cannot greet Bob.", thrown.Error);
            var late = await invoker.RunAsync(Greet("Cy", "wait", 60), TimeSpan.FromSeconds(1.5));
            Assert.True(late.Status == 502 && late.Error.StartsWith("FPKG4255: "), late.ToString());
            var again = await invoker.InitAsync(TimeSpan.FromSeconds(10));
            Assert.True(again.Status == 502 && again.Error.StartsWith("FPKG4250: "), again.ToString());
            var last = await invoker.RunAsync(Greet("Di"));
            Assert.True(last.Status == 200, last.ToString());
            _output.WriteLine($"activations: {sw.Elapsed}");

            // Six framed activations — the five runs and the refused second init — on both streams, each run's own
            // output before its sentinel.
            var (outLines, errLines) = await FramedLogsAsync(podmanDir, name, 6);
            var sentinels = outLines.Select((line, index) => (line, index)).Where(l => l.line == OpenWhiskInvoker.Sentinel).Select(l => l.index).ToList();
            Assert.True(outLines.IndexOf("greeting Ada") is var ada && ada >= 0 && ada < sentinels[0], string.Join('\n', outLines));
            Assert.True(outLines.IndexOf("greeting Bob") is var bob && bob > sentinels[1] && bob < sentinels[2], string.Join('\n', outLines));
            // The token was cancelled at the deadline: the function says so (possibly after the answer and its sentinel).
            Assert.Contains("cancelled waiting for Cy", errLines);
            Assert.Contains(errLines, l => l.Contains("Hello.Function.Greeter::Handle threw.") && l.Contains("Cannot greet Bob."));
        }
        finally
        {
            _output.WriteLine(Logs(podmanDir, name));
            Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "rm", "-f", "-t", "2", name);
            Tool.Run(Tool.Script("podman.sh"), podmanDir, "--cleanup");
        }
    }

    private const string FunctionImageUser = Runtime.FunctionImageExporter.User;

    private string Logs(string podmanDir, string name) => Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "logs", name).ToString();

    /// <summary>The container's stdout and stderr lines once each holds <paramref name="sentinels"/> sentinels (podman's log file lags).</summary>
    private async Task<(List<string> Out, List<string> Err)> FramedLogsAsync(string podmanDir, string name, int sentinels)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var logs = Tool.Run(Tool.Script("podman.sh"), podmanDir, Registry, "logs", name);
            var outLines = logs.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var errLines = logs.StandardError.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var (o, e) = (OpenWhiskInvoker.Sentinels(outLines), OpenWhiskInvoker.Sentinels(errLines));
            if ((o >= sentinels && e >= sentinels) || DateTime.UtcNow > deadline)
            {
                Assert.True(o == sentinels && e == sentinels, $"{sentinels} sentinels expected on each stream, got {o} and {e}\n{logs}");
                return (outLines, errLines);
            }
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Bad_export_input_is_coded_before_anything_is_pushed_or_written()
    {
        var package = await PackageAsync();
        var output = _temp.Combine("action.tar");

        var reserved = await Fnpkg(ExportArgs(package, "--image", $"{Registry}/fn/ow-reserved:1", "--env", "__OW_NAMESPACE=mine"));
        Assert.Equal(1, reserved.ExitCode);
        Assert.Contains(ExportErrors.OpenWhiskReservedVariable + ": --env __OW_NAMESPACE", reserved.Errors);
        var badName = await Fnpkg(ExportArgs(package, "--output", output, "--action-name", "-orders"));
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains(ExportErrors.OpenWhiskInvalidActionName + ": --action-name '-orders'", badName.Errors);
        var both = await Fnpkg(ExportArgs(package, "--image", $"{Registry}/fn/ow-both:1", "--output", output));
        Assert.Equal(1, both.ExitCode);
        Assert.Contains(ExportErrors.NoDestination + ":", both.Errors);

        Assert.False(File.Exists(output));
        using var client = _fixture.Registries.AnonymousClient();
        await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("fn/ow-reserved", "1"));
        await Assert.ThrowsAsync<OciException>(() => client.GetManifestAsync("fn/ow-both", "1"));
    }

    [Fact]
    public void The_deploy_command_quotes_a_name_with_spaces_and_carries_the_timeout_in_milliseconds()
    {
        var image = new Runtime.FunctionImageResult("sha256:ab", null, "/x.tar", "Orders", "1.0.0", 0, Array.Empty<string>(), "sha256:cd");
        Assert.Equal("wsk action create 'my orders' --docker <registry>/<repository>@sha256:ab --timeout 1500",
            OpenWhiskExporter.DeployCommand(new OpenWhiskExportResult(image, "my orders", null, 1500)));
        Assert.Equal("wsk action create orders --docker r.example/fn/o@sha256:ab",
            OpenWhiskExporter.DeployCommand(new OpenWhiskExportResult(image, "orders", "r.example/fn/o@sha256:ab", null)));
    }

    [Fact]
    public async Task A_tar_export_names_the_push_then_the_wsk_command_with_the_action_name_given()
    {
        var package = await PackageAsync();
        var output = _temp.Combine("out", "action.tar");

        var (exit, stdout, _) = await Fnpkg(ExportArgs(package, "-o", output, "--action-name", "orders_v1"));

        Assert.Equal(0, exit);
        var digest = stdout.Split('\n')[0];
        Assert.True(File.Exists(output));
        Assert.Contains($"push: skopeo copy oci-archive:{output}:1.0.0 docker://<registry>/<repository>:1.0.0", stdout);
        Assert.Contains($"wsk action create orders_v1 --docker <registry>/<repository>@{digest}", stdout);
    }
}
