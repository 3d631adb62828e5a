using FunctionPackage.Cli.Hosting;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;

namespace FunctionPackage.Exporting.Tests;

/// <summary>
/// What every export test shares, made once per run: the OCI tests' loopback registries and their ASP.NET Core test
/// base image, a small real function built with the .NET SDK (and a one-line change of it), packed by the CLI tests'
/// package builder into a folder feed with one dependency, and fnpkg's host (FNPKG_HOST_PATH, in-process fnpkg).
/// </summary>
public sealed class ExportFixture : IAsyncLifetime
{
    public const string FunctionId = "Hello.Function";

    public RegistryEnvironment Registries { get; } = new();
    public TestRoot Root { get; } = new("export");
    public ImageReference BaseImage { get; private set; } = null!;
    public string Feed => Root.Combine("feed");
    /// <summary>Version 1.0.0 answers "hello"; 1.0.1 is the same code with one line changed ("hi"). The name "slow" sleeps count ms.</summary>
    public string Package { get; private set; } = "";
    public string ChangedPackage { get; private set; } = "";
    public string Registry => Registries.Anonymous.Host;
    private DependencyPackage _dependency = null!;

    public const string Source = """
        namespace Hello.Function;
        public sealed record Order(string Name, int Count);
        public sealed record Reply(string Text, string? Currency, string Uid, bool RootWritable, bool TmpWritable);
        public static class Greeter
        {
            private const string Word = "WORD";
            public static Reply Handle(Order order)
            {
                if (order.Name == "slow") // an invocation still in flight when SIGTERM comes: Count milliseconds
                {
                    System.Console.Error.WriteLine("slow: started");
                    System.Threading.Thread.Sleep(order.Count);
                }
                var uid = System.IO.File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[1];
                return new Reply($"{Word} {order.Name} x{order.Count}", System.Environment.GetEnvironmentVariable("CURRENCY"), uid,
                    CanWrite(System.AppContext.BaseDirectory), CanWrite("/tmp"));
            }
            private static bool CanWrite(string folder)
            {
                try { System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "probe-" + System.Guid.NewGuid()), "x"); return true; }
                catch (System.Exception) { return false; }
            }
        }
        """;

    public async Task InitializeAsync()
    {
        var baseTask = Registries.AspNetBaseImageAsync();
        var cliOutput = Path.GetDirectoryName(typeof(HostLauncher).Assembly.Location)!;
        var host = Path.GetFullPath(Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Cli", "bin", new DirectoryInfo(cliOutput).Parent!.Name, "net10.0", "host", HostLauncher.HostAssemblyName));
        Assert.True(File.Exists(host), $"{host} is missing: build src/FunctionPackage.Cli in this configuration.");
        Environment.SetEnvironmentVariable(HostLauncher.HostPathVariable, host);

        var dependency = _dependency = DependencyPackageBuilder.Build(Feed, "Shared.Words", "2.0.0");
        Package = Pack("1.0.0", Build("v1", "hello"), dependency);
        ChangedPackage = Pack("1.0.1", Build("v2", "hi"), dependency);
        BaseImage = await baseTask;
    }

    private string Build(string name, string word) => BuildSource(name, Source.Replace("WORD", word, StringComparison.Ordinal));

    /// <summary>
    /// Another function of the same project shape (Hello.Function.dll, one dependency on Shared.Words), packed as
    /// <paramref name="id"/> 1.0.0 into the run's packages folder: for a target whose tests need other entry points.
    /// </summary>
    public string PackFunction(string id, string source) => Pack("1.0.0", BuildSource(id, source), _dependency, id);

    private string BuildSource(string name, string source)
    {
        Root.WriteFile($"{name}/Hello.Function.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><Deterministic>true</Deterministic></PropertyGroup>
            </Project>
            """);
        Root.WriteFile($"{name}/Greeter.cs", source);
        var output = Root.Combine($"{name}-out");
        var build = DotNetCli.Run(new[] { "build", "-c", "Release", "-o", output, "-nologo", "-tl:off", "-p:PathMap=" + Root.Combine(name) + "=/src" }, Root.Combine(name));
        Assert.True(build.ExitCode == 0, build.GetConsoleLog());
        return output;
    }

    private string Pack(string version, string buildOutput, DependencyPackage dependency, string id = FunctionId)
    {
        var builder = new FunctionPackageBuilder { Id = id, Version = version };
        builder.FunctionFiles.Clear();
        foreach (var name in new[] { "Hello.Function.dll", "Hello.Function.deps.json" })
            builder.FunctionFiles[name] = File.ReadAllBytes(Path.Combine(buildOutput, name));
        builder.Dependencies.Add(dependency);
        return builder.Build(Root.Combine("packages"));
    }

    public Task DisposeAsync()
    {
        Registries.Dispose();
        Root.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ExportCollection : ICollectionFixture<ExportFixture>
{
    public const string Name = "export";
}
