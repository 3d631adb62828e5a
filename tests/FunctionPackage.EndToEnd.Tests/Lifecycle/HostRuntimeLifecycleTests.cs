using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// A net8.0 function, published with the real SDK and run by the real fnpkg on this machine's .NET 10 host: it installs
/// and invokes (the host's runtime is what runs it), it reads the data file shipped beside it through
/// <c>AppContext.BaseDirectory</c> and a relative path, and <c>fnpkg invoke --invocation-timeout</c> times out a handler
/// that blocks its thread.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HostRuntimeLifecycleTests
{
    private const string Shipped = "shipped beside Shipped.dll";
    private static readonly ConditionalWeakTable<EndToEndEnvironment, Lazy<string>> Packages = new();
    private readonly EndToEndEnvironment _env;

    public HostRuntimeLifecycleTests(EndToEndEnvironment env) => _env = env;

    private string Package => Packages.GetValue(_env, env => new Lazy<string>(() => PublishNet8Function(env))).Value;

    private static string PublishNet8Function(EndToEndEnvironment env)
    {
        var project = ProjectCreator.Templates.SdkCsproj(Path.Combine(env.NewFolder("net8-shipped"), "Shipped", "Shipped.csproj"), targetFramework: "net8.0")
            .Property("Nullable", "enable")
            .Property("ImplicitUsings", "enable")
            .Property("FunctionEntryPoint", "Shipped.Reader::Handle")
            .ItemPackageReference("FunctionPackage.Sdk", RepoPaths.SdkVersion)
            .ItemInclude("None", "data/shipped.txt", new Dictionary<string, string?> { ["CopyToOutputDirectory"] = "PreserveNewest", ["CopyToPublishDirectory"] = "PreserveNewest" })
            .AddFile("data/shipped.txt", Shipped + "\n")
            .AddFile("Reader.cs", """
                using System.Reflection;
                using System.Runtime.InteropServices;
                using System.Runtime.Versioning;

                namespace Shipped;

                public sealed record ReadRequest(int BlockSeconds);

                public sealed record ReadResult(string BuiltFor, string RunsOn, string AtStartup, string FromBaseDirectory, string FromCurrentDirectory);

                public static class Reader
                {
                    // A static initializer: runs before the handler, so the base directory must already be the function's folder.
                    private static readonly string AtStartup = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "shipped.txt")).Trim();

                    public static ReadResult Handle(ReadRequest request)
                    {
                        if (request.BlockSeconds > 0) Thread.Sleep(TimeSpan.FromSeconds(request.BlockSeconds));
                        return new(
                            typeof(Reader).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? "",
                            RuntimeInformation.FrameworkDescription,
                            AtStartup,
                            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "shipped.txt")).Trim(),
                            File.ReadAllText(Path.Combine("data", "shipped.txt")).Trim());
                    }
                }
                """)
            .TryPublish(Publish(), out var result, out var output);
        Assert.True(result, output.GetConsoleLog());
        var package = PrintedPackagePath(output, "Shipped");
        using var archive = new FunctionPackageArchive(package);
        var manifest = archive.ReadManifest();
        Assert.Equal("net8.0", manifest.Runtime.Tfm);
        Assert.Contains(manifest.Runtime.Frameworks, f => f.Name == "Microsoft.NETCore.App" && f.Version.StartsWith("8.", StringComparison.Ordinal));
        Assert.True(archive.Contains("function/data/shipped.txt"), string.Join("\n", archive.EntryNames));
        return package;
    }

    private string EmptyFeed() => _env.NewFolder("empty-feed");

    [Fact]
    public void A_net8_function_installs_and_invokes_where_only_the_net10_runtime_is()
    {
        var root = _env.NewFolder("net8-root");
        var materialized = Path.Combine(_env.NewFolder("net8-materialize"), "publish");

        var install = Fnpkg.Run(_env.Root.Path, "install", Package, "--root", root, "--source", EmptyFeed(), "--materialize", materialized);
        Assert.True(install.Succeeded, install.Log);
        // The materialized folder runs without the host, so fnpkg says what it needs — a message, not a refusal.
        Assert.Contains("To run on its own it needs Microsoft.NETCore.App 8.", install.Stderr);
        Assert.True(File.Exists(Path.Combine(materialized, "Shipped.dll")), install.Log);

        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", Package, "--root", root, "--source", EmptyFeed(), "--data", """{"blockSeconds":0}""");
        Assert.True(invoke.Succeeded, invoke.Log);
        var answer = JsonDocument.Parse(invoke.Stdout).RootElement;
        Assert.Equal(".NETCoreApp,Version=v8.0", answer.GetProperty("builtFor").GetString());
        Assert.StartsWith(".NET 10.", answer.GetProperty("runsOn").GetString());
    }

    [Fact]
    public void The_function_reads_the_file_shipped_beside_it_through_its_base_directory_and_a_relative_path()
    {
        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", Package, "--source", EmptyFeed(), "--data", """{"blockSeconds":0}""");

        Assert.True(invoke.Succeeded, invoke.Log);
        var answer = JsonDocument.Parse(invoke.Stdout).RootElement;
        Assert.Equal(Shipped, answer.GetProperty("atStartup").GetString());
        Assert.Equal(Shipped, answer.GetProperty("fromBaseDirectory").GetString());
        Assert.Equal(Shipped, answer.GetProperty("fromCurrentDirectory").GetString());
    }

    [Fact]
    public void Invoke_invocation_timeout_ends_a_blocking_handler_with_exit_15()
    {
        var watch = Stopwatch.StartNew();
        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", Package, "--source", EmptyFeed(), "--data", """{"blockSeconds":60}""", "--invocation-timeout", "1");
        watch.Stop();

        Assert.True(invoke.ExitCode == 15, $"expected exit 15 (host exit 5, timeout).\n{invoke.Log}");
        Assert.Contains("FPKG4014", invoke.Stderr);
        Assert.Equal("", invoke.Stdout);
        // The handler sleeps 60 s; the answer must come from the 1 s timeout (install and start included).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(45), $"took {watch.Elapsed}.\n{invoke.Log}");
    }
}
