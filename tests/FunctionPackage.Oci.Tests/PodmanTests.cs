using System.Diagnostics;
using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;
using Xunit.Abstractions;

namespace FunctionPackage.Oci.Tests;

/// <summary>An image built on the machine's own .NET runtime, pushed to the loopback registry and run by podman.</summary>
[Collection(RegistryCollection.Name)]
public sealed class PodmanTests : IDisposable
{
    private readonly RegistryEnvironment _env;
    private readonly ITestOutputHelper _output;
    private readonly TestRoot _root = new("oci-podman");

    public PodmanTests(RegistryEnvironment env, ITestOutputHelper output)
    {
        _env = env;
        _output = output;
    }

    private string PodmanDir => _root.Combine("podman");

    public void Dispose()
    {
        Tool.Run(Tool.Script("podman.sh"), PodmanDir, "--cleanup");
        _root.Dispose();
    }

    private const string Program = """
        var uid = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[1];
        var writable = true;
        try { File.WriteAllText("/app/probe", "x"); } catch (Exception) { writable = false; }
        File.WriteAllText("/tmp/probe", "tmp is writable");
        Console.WriteLine($"hello {Environment.GetEnvironmentVariable("GREETING")} user={Environment.UserName} uid={uid} cwd={Environment.CurrentDirectory} rootfs-writable={writable} args={string.Join(',', args)}");
        """;

    [Fact]
    public async Task A_console_app_image_on_the_machines_dotnet_runtime_runs_under_podman_as_non_root_on_a_read_only_root()
    {
        var sw = Stopwatch.StartNew();
        var baseTask = _env.DotNetBaseImageAsync();
        _root.WriteFile("hello/hello.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><InvariantGlobalization>true</InvariantGlobalization><UseAppHost>false</UseAppHost></PropertyGroup>
            </Project>
            """);
        _root.WriteFile("hello/Program.cs", Program);
        var build = DotNetCli.Run(new[] { "build", "-c", "Release", "-o", _root.Combine("hello-out"), "-nologo", "-tl:off" }, _root.Combine("hello"));
        Assert.True(build.ExitCode == 0, build.GetConsoleLog());
        var baseReference = await baseTask;
        _output.WriteLine($"base image {baseReference} and app build: {sw.Elapsed}");

        using var client = _env.AnonymousClient();
        var baseImage = await ImageBuilder.PullBaseAsync(client, baseReference, Platform.Current);
        var app = LayerWriter.WriteToFolder(LayerContent.FromFolder(_root.Combine("hello-out"), "app"), _root.Combine("blobs"));
        var image = ImageBuilder.Build(baseImage, new[] { new NewLayer(app, "the app") }, new ImageSettings
        {
            Entrypoint = new[] { "dotnet", "/app/hello.dll" },
            Cmd = new[] { "from-cmd" },
            Env = new[] { KeyValuePair.Create("GREETING", "oci") },
            User = DotNetBaseImage.User,
            WorkingDir = "/app",
        });
        var push = await ImagePusher.PushAsync(image, client, "test/hello", "1", new BlobResolver(_root.Combine("cache"), _ => client));
        Assert.Equal(app.Descriptor.Size + image.ConfigBytes.Length, push.BytesUploaded); // base layers mounted, not re-sent
        _output.WriteLine($"pushed {image.Digest} ({push.BytesUploaded} bytes uploaded): {sw.Elapsed}");

        var run = Tool.Run(Tool.Script("podman.sh"), new[] { PodmanDir, _env.Anonymous.Host, "run", "--rm", "--network", "none", "--read-only", $"{_env.Anonymous.Host}/test/hello@{image.Digest}" }, TimeSpan.FromMinutes(3));
        _output.WriteLine(run.ToString());
        _output.WriteLine($"podman run: {sw.Elapsed}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"hello oci user={DotNetBaseImage.User} uid={DotNetBaseImage.Uid} cwd=/app rootfs-writable=False args=from-cmd", run.StandardOutput);
    }
}
