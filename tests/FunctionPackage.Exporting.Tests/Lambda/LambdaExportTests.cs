using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.AwsLambda;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Testing;
using FunctionPackage.Testing.Lambda;
using Xunit.Abstractions;

namespace FunctionPackage.Exporting.Tests.Lambda;

/// <summary>
/// <c>fnpkg export --target aws-lambda</c> (in process): the zip unzipped as Lambda does and run AS EXPORTED against
/// <see cref="LambdaEmulator"/> — managed: <c>dotnet exec /var/task/FunctionPackage.Host.dll</c> (dotnet10's
/// executable-assembly start); self-contained: <c>./bootstrap</c> with no .NET on PATH. Results, a throwing handler,
/// bad input, the deadline, the trace id and the baked environment; reproducible bytes; coded refusals, no file written.
/// </summary>
public sealed class LambdaExportTests : IClassFixture<LambdaExportFixture>, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly LambdaExportFixture _fixture;
    private readonly ITestOutputHelper _log;
    private readonly TestRoot _root = new("lambda-run");

    public LambdaExportTests(LambdaExportFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    public void Dispose() => _root.Dispose();

    private static async Task<LambdaInvokeResult> InvokeAsync(LambdaEmulator emulator, LambdaRuntimeProcess runtime, string payload)
    {
        var invoke = emulator.InvokeAsync(payload);
        var first = await Task.WhenAny(invoke, Task.Delay(Wait));
        Assert.True(first == invoke, $"no answer within {Wait.TotalSeconds} s\n{runtime.Output}");
        var result = await invoke;
        Assert.True(result.StatusCode == HttpStatusCode.OK, $"{result}\n{runtime.Output}");
        return result;
    }

    private static JsonElement Json(LambdaInvokeResult result) => JsonDocument.Parse(result.Body).RootElement;

    /// <summary>The answers every export must give, whatever its runtime.</summary>
    private static async Task AssertLambdaContractAsync(string taskRoot, LambdaExportResult export, string globalization)
    {
        await using var emulator = await LambdaEmulator.StartAsync(new LambdaEmulatorOptions { FunctionTimeout = TimeSpan.FromSeconds(3), FunctionName = export.FunctionName });
        await using var runtime = LambdaExportFixture.StartRuntime(emulator, taskRoot, export);

        var hello = await InvokeAsync(emulator, runtime, """{"mode":"greet","name":"Ada"}""");
        Assert.True(hello.FunctionError is null, $"{hello}\n{runtime.Output}");
        var reply = Json(hello);
        Assert.Equal("hello Ada", reply.GetProperty("text").GetString());
        Assert.Equal("EUR", reply.GetProperty("currency").GetString()); // --env, baked in the launch file
        Assert.Equal(Path.Combine(taskRoot, "function", "function") + "/", reply.GetProperty("baseDirectory").GetString());
        Assert.Equal("hello", reply.GetProperty("data").GetString()); // a data file beside the function, read relative to it
        Assert.Equal(globalization, reply.GetProperty("globalization").GetString());
        var invocation = Assert.Single(emulator.Invocations);
        Assert.Equal(invocation.TraceId, reply.GetProperty("trace").GetString());

        var thrown = await InvokeAsync(emulator, runtime, """{"mode":"throw","name":"Bob"}""");
        Assert.Equal("Unhandled", thrown.FunctionError);
        Assert.Equal("Hello.Function.OrderFailedException", Json(thrown).GetProperty("errorType").GetString());
        Assert.Equal("no order for Bob", Json(thrown).GetProperty("errorMessage").GetString());

        var bad = await InvokeAsync(emulator, runtime, """{"mode":""");
        Assert.Equal("Unhandled", bad.FunctionError);
        Assert.Equal("FPKG4050", Json(bad).GetProperty("errorType").GetString());

        // The function ignores its token and sleeps: the host reports the deadline (3 s) itself, and keeps serving.
        var late = await InvokeAsync(emulator, runtime, """{"mode":"sleep"}""");
        Assert.True(Json(late).GetProperty("errorType").GetString() == "FPKG4153", $"{late}\n{runtime.Output}");
        Assert.Contains(emulator.Invocations, i => i.ErrorType == "Runtime.FPKG4153");
        var after = await InvokeAsync(emulator, runtime, """{"mode":"greet","name":"Cy"}""");
        Assert.Equal("hello Cy", Json(after).GetProperty("text").GetString());
        Assert.False(runtime.HasExited, runtime.Output);
    }

    [Fact]
    public async Task The_managed_zip_runs_as_dotnet10_starts_an_executable_assembly()
    {
        var output = _root.Combine("out", "orders-lambda.zip");
        var export = await _fixture.ExportAsync(output, r => r with { Runtime = r.Runtime with { Environment = new[] { KeyValuePair.Create("CURRENCY", "EUR") } } });

        Assert.Equal(("dotnet10", "FunctionPackage.Host", "x86_64", 30), (export.Runtime, export.Handler, export.Architecture, export.TimeoutSeconds));
        Assert.Equal($"aws lambda create-function --function-name Hello-Function --runtime dotnet10 --handler FunctionPackage.Host --architectures x86_64 --timeout 30 --role arn:aws:iam::<account-id>:role/<execution-role> --zip-file fileb://{output}", export.DeployCommand);
        Assert.Equal(new FileInfo(output).Length, export.ZippedBytes);
        using (var zip = ZipFile.OpenRead(output))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
            Assert.Contains("FunctionPackage.Host.dll", names);
            Assert.Contains("FunctionPackage.Host.runtimeconfig.json", names);
            Assert.Contains("FunctionPackage.Host.deps.json", names);
            Assert.Contains("function/function.json", names);
            Assert.Contains("function/function/Hello.Function.dll", names);
            // The dependency's assets where dotnet publish puts them: nothing to probe for.
            Assert.Contains("function/function/Shared.Words.dll", names);
            Assert.Contains("function/function/fr/Shared.Words.resources.dll", names);
            Assert.Contains("function/function/runtimes/linux-x64/native/libshared.words.so", names);
            Assert.DoesNotContain("FunctionPackage.Host", names); // this machine's apphost
            Assert.DoesNotContain(names, n => n.EndsWith("install.json", StringComparison.Ordinal));
            Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
            Assert.All(zip.Entries, e => Assert.Equal(0x81A4u, (uint)e.ExternalAttributes >> 16)); // regular file, 0644
            var launch = JsonDocument.Parse(zip.GetEntry(LambdaExporter.HostLaunchFileName)!.Open()).RootElement;
            Assert.Equal(new[] { "serve", "--protocol", "aws-lambda", "--function", "function" }, launch.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("EUR", launch.GetProperty("environment").GetProperty("CURRENCY").GetString());
        }

        var again = await _fixture.ExportAsync(_root.Combine("again.zip"), r => r with { Runtime = r.Runtime with { Environment = new[] { KeyValuePair.Create("CURRENCY", "EUR") } } });
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(output)), SHA256.HashData(File.ReadAllBytes(again.OutputPath)));

        var taskRoot = LambdaExportFixture.Unzip(output, _root.Combine("task"));
        await AssertLambdaContractAsync(taskRoot, export, globalization: "icu");
    }

    [Fact]
    public async Task The_self_contained_zip_runs_its_bootstrap_with_no_dotnet_and_invariant_globalization()
    {
        var output = _root.Combine("orders-al2023.zip");
        var export = await _fixture.ExportAsync(output, r => r with
        {
            SelfContained = true,
            RuntimeIdentifier = "linux-x64",
            Runtime = r.Runtime with { Environment = new[] { KeyValuePair.Create("CURRENCY", "EUR") }, InvocationTimeoutSeconds = 10, DrainTimeoutSeconds = 2.5 },
        });

        Assert.Equal(("provided.al2023", "bootstrap", "x86_64", 10), (export.Runtime, export.Handler, export.Architecture, export.TimeoutSeconds));
        Assert.Equal(RuntimePacks.DefaultVersion(10), export.RuntimeVersion);
        Assert.Contains("--runtime provided.al2023 --handler bootstrap --architectures x86_64 --timeout 10 ", export.DeployCommand);
        Assert.InRange(export.ZippedBytes, 1, LambdaLimits.Lambda.MaxZippedBytes);
        using (var zip = ZipFile.OpenRead(output))
        {
            Assert.Equal(0x81EDu, (uint)zip.GetEntry("bootstrap")!.ExternalAttributes >> 16); // regular file, 0755
            Assert.NotNull(zip.GetEntry("libcoreclr.so"));
            // The runtime options reach the host's command line as the OCI target passes them (--drain-timeout included).
            var launch = JsonDocument.Parse(zip.GetEntry(LambdaExporter.HostLaunchFileName)!.Open()).RootElement;
            Assert.Equal(new[] { "serve", "--protocol", "aws-lambda", "--function", "function", "--invocation-timeout", "10", "--drain-timeout", "2.5" },
                launch.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
            // The fixture's dependency has a linux-x64 native only: kept (the RID is known, so runtimes/ is trimmed to it).
            Assert.NotNull(zip.GetEntry("function/function/runtimes/linux-x64/native/libshared.words.so"));
        }
        var taskRoot = LambdaExportFixture.Unzip(output, _root.Combine("task"));
        await AssertLambdaContractAsync(taskRoot, export, globalization: "invariant");
    }

    [Fact]
    public async Task An_arm64_self_contained_zip_is_for_arm64()
    {
        var export = await _fixture.ExportAsync(_root.Combine("arm.zip"), r => r with { SelfContained = true, RuntimeIdentifier = "linux-arm64" });
        Assert.Equal("arm64", export.Architecture);
        Assert.Contains("--architectures arm64", export.DeployCommand);
        using var zip = ZipFile.OpenRead(export.OutputPath);
        using var bootstrap = zip.GetEntry("bootstrap")!.Open();
        var header = new byte[20];
        bootstrap.ReadExactly(header);
        Assert.Equal(183, BitConverter.ToUInt16(header, 18)); // EM_AARCH64
    }

    [Fact]
    public async Task An_option_of_another_target_is_FPKG7006_with_its_exit_code_and_nothing_is_written()
    {
        var folder = Directory.CreateDirectory(_root.Combine("foreign")).FullName;
        var output = Path.Combine(folder, "x.zip");

        var image = await InProcessFnpkg.RunAsync(_log, "export", _fixture.Package, "--target", "aws-lambda", "-o", output, "--image", "registry.example.com/fn/x:1", "--source", _fixture.Feed);
        var trigger = await InProcessFnpkg.RunAsync(_log, "export", _fixture.Package, "--target", "aws-lambda", "-o", output, "--trigger", "http", "--source", _fixture.Feed);
        var selfContained = await InProcessFnpkg.RunAsync(_log, "export", _fixture.Package, "--target", "azure-functions", "-o", Path.Combine(folder, "app"), "--self-contained", "--source", _fixture.Feed);

        foreach (var (run, option, takers) in new[] { (image, "--image", "oci, openwhisk"), (trigger, "--trigger", "azure-functions"), (selfContained, "--self-contained", "aws-lambda") })
        {
            Assert.Equal(ExitCodeTable.For(ExportErrors.OptionNotForTarget), run.ExitCode);
            Assert.Contains($"{ExportErrors.OptionNotForTarget}: {option} does not apply", run.Errors);
            Assert.Contains($"(it is an option of: {takers})", run.Errors);
        }
        Assert.Equal(1, ExitCodeTable.For(ExportErrors.OptionNotForTarget)); // docs/export.md: usage
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task Bad_export_input_is_coded_and_writes_no_file()
    {
        var output = _root.Combine("refused", "out.zip");
        async Task<FunctionPackageException> Refused(Func<LambdaExportRequest, LambdaExportRequest> edit, string? package = null)
        {
            var error = await Assert.ThrowsAsync<FunctionPackageException>(() => _fixture.ExportAsync(output, edit, package));
            Assert.False(File.Exists(output), error.Message);
            return error;
        }

        Assert.Equal(ExportErrors.LambdaOutput, (await Refused(r => r with { Output = null })).Code);
        var rid = await Refused(r => r with { RuntimeIdentifier = "win-x64" });
        Assert.Equal(ExportErrors.LambdaUsage, rid.Code);
        Assert.Contains("linux-x64, linux-arm64", rid.Message);
        Assert.Equal(ExportErrors.LambdaUsage, (await Refused(r => r with { RuntimeVersion = "10.0.12" })).Code);
        Assert.Equal(ExportErrors.LambdaUsage, (await Refused(r => r with { Runtime = r.Runtime with { InvocationTimeoutSeconds = 901 } })).Code);
        Assert.Equal(ExportErrors.RuntimeVersionNotPinned, (await Refused(r => r with { SelfContained = true, RuntimeVersion = "10.0.3" })).Code);

        var unzipped = await Refused(r => r with { Limits = new LambdaLimits(MaxUnzippedBytes: 1000, MaxZippedBytes: long.MaxValue) });
        Assert.Equal(ExportErrors.LambdaTooLarge, unzipped.Code);
        Assert.Contains("unzipped", unzipped.Message);
        var zipped = await Refused(r => r with { Limits = new LambdaLimits(MaxUnzippedBytes: long.MaxValue, MaxZippedBytes: 1000) });
        Assert.Equal(ExportErrors.LambdaTooLarge, zipped.Code);
        Assert.Contains("zipped", zipped.Message);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(output)!).Any());

        var arm = new Cli.Tests.Fixtures.FunctionPackageBuilder { Id = "Arm.Only", Rid = "linux-arm64" }.Build(_root.Combine("arm-feed"));
        Assert.Equal(ExportErrors.LambdaPlatform, (await Refused(r => r, arm)).Code);
        var newer = new Cli.Tests.Fixtures.FunctionPackageBuilder { Id = "Needs.Eleven" };
        newer.Frameworks[0].Version = "11.0.0";
        Assert.Equal(ExportErrors.LambdaFramework, (await Refused(r => r, newer.Build(_root.Combine("newer-feed")))).Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_fixture.Root.Combine("tmp")));
    }
}
