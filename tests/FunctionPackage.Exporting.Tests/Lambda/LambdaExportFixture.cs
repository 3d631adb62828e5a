using System.Diagnostics;
using System.IO.Compression;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.AwsLambda;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Testing;
using FunctionPackage.Testing.Lambda;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionPackage.Exporting.Tests.Lambda;

/// <summary>
/// One real function for the Lambda export tests, built once by the .NET SDK and packed by the CLI tests' package
/// builder with one dependency: <c>Hello.Function.Greeter::Handle(Request, CancellationToken)</c>, whose <c>mode</c>
/// says what to do — answer (with what it sees of its environment), throw, or sleep past any deadline.
/// </summary>
public sealed class LambdaExportFixture : IAsyncLifetime
{
    public const string FunctionId = "Hello.Function";

    public TestRoot Root { get; } = new("lambda-export");
    public string Feed => Root.Combine("feed");
    public string Package { get; private set; } = "";

    public const string Source = """
        namespace Hello.Function;
        public sealed record Request(string Mode, string? Name);
        public sealed record Reply(string Text, string? Currency, string? Trace, string BaseDirectory, string CurrentDirectory, string Globalization, string Data);
        public sealed class OrderFailedException(string message) : System.Exception(message);
        public static class Greeter
        {
            public static Reply Handle(Request request, System.Threading.CancellationToken cancellationToken)
            {
                switch (request.Mode)
                {
                    case "throw": throw new OrderFailedException($"no order for {request.Name}");
                    case "sleep": System.Threading.Thread.Sleep(System.TimeSpan.FromSeconds(60)); break;
                }
                // ICU knows French numbers; invariant globalization gives every culture the invariant data.
                var globalization = new System.Globalization.CultureInfo("fr-FR").NumberFormat.NumberDecimalSeparator == "," ? "icu" : "invariant";
                return new Reply($"hello {request.Name}", System.Environment.GetEnvironmentVariable("CURRENCY"),
                    System.Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"), System.AppContext.BaseDirectory,
                    System.IO.Directory.GetCurrentDirectory(), globalization, System.IO.File.ReadAllText("data/greeting.txt"));
            }
        }
        """;

    public Task InitializeAsync()
    {
        var dependency = DependencyPackageBuilder.Build(Feed, "Shared.Words", "2.0.0");
        Package = Pack(Build(), dependency);
        return Task.CompletedTask;
    }

    private string Build()
    {
        Root.WriteFile("src/Hello.Function.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><Deterministic>true</Deterministic></PropertyGroup>
            </Project>
            """);
        Root.WriteFile("src/Greeter.cs", Source);
        var output = Root.Combine("build");
        var build = DotNetCli.Run(new[] { "build", "-c", "Release", "-o", output, "-nologo", "-tl:off", "-p:PathMap=" + Root.Combine("src") + "=/src" }, Root.Combine("src"));
        Assert.True(build.ExitCode == 0, build.GetConsoleLog());
        return output;
    }

    private string Pack(string buildOutput, DependencyPackage dependency)
    {
        var builder = new FunctionPackageBuilder { Id = FunctionId, Version = "1.0.0" };
        foreach (var name in new[] { "Hello.Function.dll", "Hello.Function.deps.json" })
            builder.FunctionFiles[name] = File.ReadAllBytes(Path.Combine(buildOutput, name));
        builder.FunctionFiles.Remove("Hello.Function.runtimeconfig.json");
        builder.Dependencies.Add(dependency);
        return builder.Build(Root.Combine("packages"));
    }

    /// <summary>fnpkg export --target aws-lambda, in process, with the fixture's feed as the only source.</summary>
    public Task<LambdaExportResult> ExportAsync(string output, Func<LambdaExportRequest, LambdaExportRequest>? edit = null, string? package = null)
    {
        var request = new LambdaExportRequest
        {
            Install = new InstallRequest { Package = package ?? Package, Root = "unused", Sources = new[] { Feed }, WorkingDirectory = Root.Path },
            HostDirectory = LambdaTestPaths.HostDirectory,
            Output = output,
            RuntimePackCache = LambdaTestPaths.RuntimePackCache,
            TempFolder = Root.Combine("tmp"),
        };
        Directory.CreateDirectory(request.TempFolder);
        return new LambdaExporter(NullLogger.Instance).ExportAsync(edit is null ? request : edit(request));
    }

    /// <summary>Extracts the zip as Lambda does into /var/task: every entry with the mode its external attributes give.</summary>
    public static string Unzip(string zip, string folder)
    {
        using var archive = ZipFile.OpenRead(zip);
        foreach (var entry in archive.Entries)
        {
            var path = Path.Combine(folder, entry.FullName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path);
            File.SetUnixFileMode(path, (UnixFileMode)(((uint)entry.ExternalAttributes >> 16) & 0x1FF));
        }
        return folder;
    }

    /// <summary>The runtime as Lambda starts it: dotnet10's bootstrap runs <c>dotnet exec /var/task/&lt;handler&gt;.dll</c>; provided.al2023 runs <c>/var/task/bootstrap</c>.</summary>
    public static LambdaRuntimeProcess StartRuntime(LambdaEmulator emulator, string taskRoot, LambdaExportResult export)
    {
        ProcessStartInfo start;
        if (export.Runtime == LambdaExporter.ManagedRuntime)
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(Path.Combine(taskRoot, export.Handler + ".dll"));
            emulator.Configure(start, taskRoot, export.Handler, "AWS_Lambda_dotnet10");
        }
        else
        {
            start = new ProcessStartInfo(Path.Combine(taskRoot, "bootstrap"));
            LambdaTestPaths.ClearDotnet(start);
            emulator.Configure(start, taskRoot, export.Handler, "AWS_Lambda_provided.al2023");
        }
        return LambdaRuntimeProcess.Start(start);
    }

    public Task DisposeAsync()
    {
        Root.Dispose();
        return Task.CompletedTask;
    }
}
