using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Testing;
using FunctionPackage.Testing.Lambda;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Every sample through <c>fnpkg export --target aws-lambda</c> (the real fnpkg, from the samples' folder feeds), the
/// zip unzipped as Lambda does and run AS EXPORTED against <see cref="LambdaEmulator"/>: dotnet10's executable-assembly
/// start (<c>dotnet exec /var/task/FunctionPackage.Host.dll</c>, handler <c>FunctionPackage.Host</c>), and Orders — a
/// data file and Newtonsoft.Json — and Inventory — SQLitePCLRaw's natives for every RID, trimmed to linux-x64 — also as a
/// self-contained <c>provided.al2023</c> <c>./bootstrap</c> with no .NET on PATH. Each answer is the sample's
/// (SampleAnswers), invoked through the emulator's invoke endpoint.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LambdaExportLifecycleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;

    public LambdaExportLifecycleTests(EndToEndEnvironment env)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
        RuntimePackCache.UseWithLinuxX64Packs();
    }

    [Fact]
    public Task Hello_runs_on_dotnet10() => ExportAndRun(_samples.Hello, SampleAnswers.Hello, "hello");

    [Fact]
    public Task Orders_reads_its_data_file_and_its_dependency_on_dotnet10() => ExportAndRun(_samples.Orders, SampleAnswers.Orders, "orders");

    [Fact]
    public Task Inventory_loads_native_sqlite_and_the_french_satellite_on_dotnet10() => ExportAndRun(_samples.Inventory, SampleAnswers.Inventory, "inventory");

    [Fact]
    public Task WordCount_in_FSharp_runs_on_dotnet10() => ExportAndRun(_samples.WordCount, SampleAnswers.WordCount, "wordcount");

    [Fact]
    public Task Orders_runs_self_contained_on_provided_al2023_with_no_dotnet()
        => ExportAndRun(_samples.Orders, SampleAnswers.Orders, "orders-al2023", "--self-contained", "-r", "linux-x64");

    // Untrimmed, this zip was 68 MB (SQLitePCLRaw's natives for every RID), over the 50 MB direct-upload limit (FPKG7102).
    [Fact]
    public async Task Inventory_self_contained_keeps_only_linux_x64_natives_fits_50_MB_and_answers()
    {
        var zip = await ExportAndRun(_samples.Inventory, SampleAnswers.Inventory, "inventory-al2023", "--self-contained", "-r", "linux-x64");

        Assert.InRange(new FileInfo(zip).Length, 1, 52_428_800);
        using var archive = ZipFile.OpenRead(zip);
        var names = archive.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("function/function/runtimes/linux-x64/native/libe_sqlite3.so", names);
        Assert.DoesNotContain(names, n => n.Contains("runtimes/win", StringComparison.Ordinal) || n.Contains("runtimes/osx", StringComparison.Ordinal)
            || n.Contains("runtimes/linux-arm", StringComparison.Ordinal) || n.Contains("runtimes/linux-musl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_managed_zip_is_for_one_architecture_x86_64_unless_r_says_arm64()
    {
        var x64 = await ExportAndRun(_samples.Inventory, SampleAnswers.Inventory, "inventory-x64", run: false);
        var arm64 = await ExportAndRun(_samples.Inventory, SampleAnswers.Inventory, "inventory-arm64", run: false, "-r", "linux-arm64");

        using var x64Zip = ZipFile.OpenRead(x64);
        Assert.Contains(x64Zip.Entries, e => e.FullName == "function/function/runtimes/linux-x64/native/libe_sqlite3.so");
        Assert.DoesNotContain(x64Zip.Entries, e => e.FullName.StartsWith("function/function/runtimes/win-x64/", StringComparison.Ordinal)
            || e.FullName.StartsWith("function/function/runtimes/linux-arm64/", StringComparison.Ordinal));
        Assert.True(IsReadyToRun(x64Zip, "FunctionPackage.Host.dll"), "the x86_64 zip should carry fnpkg's ReadyToRun host (host-linux-x64)");
        using var arm64Zip = ZipFile.OpenRead(arm64);
        Assert.Contains(arm64Zip.Entries, e => e.FullName == "function/function/runtimes/linux-arm64/native/libe_sqlite3.so");
        Assert.DoesNotContain(arm64Zip.Entries, e => e.FullName.StartsWith("function/function/runtimes/linux-x64/", StringComparison.Ordinal));
        // ReadyToRun code for x64 does not load on arm64: that zip keeps the IL host.
        Assert.False(IsReadyToRun(arm64Zip, "FunctionPackage.Host.dll"), "the arm64 zip should carry the IL host");
    }

    /// <summary>Whether the zip's assembly holds ReadyToRun code: its CLI header names a managed native header.</summary>
    private static bool IsReadyToRun(ZipArchive zip, string entryName)
    {
        using var bytes = new MemoryStream();
        using (var entry = zip.GetEntry(entryName)!.Open()) entry.CopyTo(bytes);
        bytes.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(bytes);
        return pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    [Fact]
    public void Bad_export_input_is_coded_with_its_exit_code_and_writes_nothing()
    {
        var folder = _env.NewFolder("lambda-refused");
        var noOutput = Fnpkg.Run(folder, "export", _samples.Hello.PackagePath, "--target", "aws-lambda");
        Assert.True(noOutput.ExitCode == 1 && noOutput.Stderr.Contains("FPKG7101", StringComparison.Ordinal), noOutput.Log);
        var foreign = Fnpkg.Run(folder, "export", _samples.Hello.PackagePath, "--target", "aws-lambda", "-o", "x.zip", "--image", "127.0.0.1:1/x");
        Assert.True(foreign.ExitCode == 1 && foreign.Stderr.Contains("FPKG7006", StringComparison.Ordinal), foreign.Log);
        var rid = Fnpkg.Run(folder, "export", _samples.Hello.PackagePath, "--target", "aws-lambda", "-o", "x.zip", "-r", "linux-musl-x64");
        Assert.True(rid.ExitCode == 1 && rid.Stderr.Contains("FPKG7100", StringComparison.Ordinal), rid.Log);
        var runtimeOnOci = Fnpkg.Run(folder, "export", _samples.Hello.PackagePath, "--target", "oci", "-o", "x.tar", "--self-contained");
        Assert.True(runtimeOnOci.ExitCode == 1 && runtimeOnOci.Stderr.Contains("FPKG7006", StringComparison.Ordinal), runtimeOnOci.Log);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    private Task<string> ExportAndRun(PublishedFunction function, SampleAnswers answers, string label, params string[] options)
        => ExportAndRun(function, answers, label, run: true, options);

    /// <summary>Exports the sample (with <c>--env CURRENCY=EUR</c>) and, when <paramref name="run"/>, runs the zip as Lambda does and checks both answers; returns the zip.</summary>
    private async Task<string> ExportAndRun(PublishedFunction function, SampleAnswers answers, string label, bool run, params string[] options)
    {
        var folder = _env.NewFolder("lambda-" + label);
        var zip = Path.Combine(folder, label + ".zip");
        var export = Fnpkg.Run(folder, new[] { "export", function.IdAtVersion, "--target", "aws-lambda", "-o", zip,
            "--source", _samples.FunctionFeed, "--source", _samples.DependencyFeed, "--env", "CURRENCY=EUR" }.Concat(options), TimeSpan.FromMinutes(5));
        Assert.True(export.Succeeded, export.Log);
        var selfContained = options.Contains("--self-contained");
        var handler = selfContained ? "bootstrap" : "FunctionPackage.Host";
        var runtime = selfContained ? "provided.al2023" : "dotnet10";
        Assert.Contains($"handler: {handler}\n", export.Stdout);
        var deploy = Assert.Single(export.Stdout.Split('\n'), l => l.StartsWith("deploy: ", StringComparison.Ordinal));
        var architecture = options.SkipWhile(o => o != "-r").Skip(1).FirstOrDefault() == "linux-arm64" ? "arm64" : "x86_64";
        Assert.Equal($"deploy: aws lambda create-function --function-name {function.Id} --runtime {runtime} --handler {handler} --architectures {architecture} --timeout 30 --role arn:aws:iam::<account-id>:role/<execution-role> --zip-file fileb://{zip}", deploy);
        if (!run) return zip;

        var taskRoot = Path.Combine(folder, "task");
        using (var archive = ZipFile.OpenRead(zip))
        {
            foreach (var entry in archive.Entries)
            {
                var path = Path.Combine(taskRoot, entry.FullName);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                entry.ExtractToFile(path);
                File.SetUnixFileMode(path, (UnixFileMode)(((uint)entry.ExternalAttributes >> 16) & 0x1FF));
            }
        }

        await using var emulator = await LambdaEmulator.StartAsync(new LambdaEmulatorOptions { FunctionName = function.Id });
        ProcessStartInfo start;
        if (selfContained)
        {
            start = new ProcessStartInfo(Path.Combine(taskRoot, "bootstrap"));
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
            start.Environment["PATH"] = "/nonexistent-dotnet-free-path";
            emulator.Configure(start, taskRoot, handler, "AWS_Lambda_provided.al2023");
        }
        else
        {
            start = new ProcessStartInfo(DotNetCli.DotNetPath);
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(Path.Combine(taskRoot, handler + ".dll"));
            emulator.Configure(start, taskRoot, handler, "AWS_Lambda_dotnet10");
        }
        await using var process = LambdaRuntimeProcess.Start(start);

        foreach (var (payload, check) in new[] { (answers.First, answers.CheckFirst), (answers.Second, answers.CheckSecond) })
        {
            var invoke = emulator.InvokeAsync(payload);
            Assert.True(await Task.WhenAny(invoke, Task.Delay(Wait)) == invoke, $"no answer within {Wait.TotalSeconds} s\n{export.Log}\n{process.Output}");
            var result = await invoke;
            Assert.True(result.StatusCode == HttpStatusCode.OK && result.FunctionError is null, $"{result}\n{process.Output}");
            check(JsonDocument.Parse(result.Body).RootElement, emulator.FunctionArn);
        }
        return zip;
    }
}
