using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionPackage.EndToEnd.Tests.Lifecycle;
using FunctionPackage.Testing;
using FunctionPackage.Testing.Lambda;

namespace FunctionPackage.Benchmarks.Protocols;

/// <summary>
/// Cold start to the first correct answer, per vendor protocol: the exported artifact (as exported) against a minimal
/// app speaking the same protocol and calling the same Inventory handler, both started by the same fake, interleaved.
/// Usage: ProtocolBench --work W --starts N --registry host:port --section out.md (bench-protocols.sh lays out W).
/// </summary>
public static class Program
{
    private const string Event = """{"sku":"APPLE"}""";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static async Task<int> Main(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
        var work = options["work"];
        var starts = int.Parse(options["starts"]);
        var registry = options["registry"];
        var warmup = options["warmup"] == "1";
        var podman = new Podman(Path.Combine(work, "podman"), registry);

        var lambdaRoots = new Dictionary<string, (string Root, string Handler)>
        {
            ["export"] = (Unzip(Path.Combine(work, "lambda", "export.zip"), Path.Combine(work, "lambda", "export-task")), "FunctionPackage.Host"),
            ["baseline"] = (Unzip(Path.Combine(work, "lambda", "baseline.zip"), Path.Combine(work, "lambda", "baseline-task")), "LambdaBaseline"),
        };
        var images = new Dictionary<string, string>
        {
            ["export"] = File.ReadAllText(Path.Combine(work, "openwhisk", "export.ref")).Trim(),
            ["baseline"] = File.ReadAllText(Path.Combine(work, "openwhisk", "baseline.ref")).Trim(),
        };
        var protocols = new (string Name, Func<string, Task<Sample>> Start)[]
        {
            ("aws-lambda", side => StartLambdaAsync(lambdaRoots[side].Root, lambdaRoots[side].Handler)),
            // The export's default handler (self-contained linux-x64) on a plan without .NET, then the framework-dependent
            // ones on a plan with .NET: for linux-x64 (-r), and for any plan.
            ("azure-functions (self-contained)", side => StartAzureAsync(Path.Combine(work, "azure-sc", side), platformHasDotnet: false)),
            ("azure-functions (framework-dependent, -r linux-x64)", side => StartAzureAsync(Path.Combine(work, "azure-fd-x64", side), platformHasDotnet: true)),
            ("azure-functions (framework-dependent, any plan)", side => StartAzureAsync(Path.Combine(work, "azure", side), platformHasDotnet: true)),
            ("openwhisk", side => StartOpenWhiskAsync(podman, images[side])),
        };
        foreach (var image in images.Values) podman.Run(TimeSpan.FromMinutes(5), "pull", "-q", image);

        var results = new List<ProtocolResult>();
        foreach (var (name, start) in protocols)
        {
            // One untimed start of each (the file cache, podman's first run of the image), then interleaved rounds.
            if (warmup)
            {
                await start("export");
                await start("baseline");
            }
            var result = new ProtocolResult(name);
            for (var round = 1; round <= starts; round++)
            {
                foreach (var side in round % 2 == 1 ? new[] { "export", "baseline" } : new[] { "baseline", "export" })
                {
                    (side == "export" ? result.Export : result.Baseline).Add(await start(side));
                }
                Console.WriteLine($"  {name} start {round}: export {result.Export[^1]}, baseline {result.Baseline[^1]}");
            }
            results.Add(result);
        }

        var report = new Report(work, registry, results);
        File.WriteAllText(options["section"], report.Markdown());
        foreach (var result in results) Console.WriteLine($"{result.Name}: export {result.Median(s => s.Wall):0} ms, baseline {result.Median(s => s.Wall, baseline: true):0} ms, ratio {result.Ratio(s => s.Wall):0.00}");
        return 0;
    }

    private static string Unzip(string zip, string taskRoot)
    {
        // As Lambda unpacks a deployment zip into /var/task: the entries' Unix modes kept.
        if (Directory.Exists(taskRoot)) Directory.Delete(taskRoot, recursive: true);
        using var archive = ZipFile.OpenRead(zip);
        foreach (var entry in archive.Entries)
        {
            var path = Path.Combine(taskRoot, entry.FullName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (entry.FullName.EndsWith('/')) continue;
            entry.ExtractToFile(path);
            var mode = ((uint)entry.ExternalAttributes >> 16) & 0x1FF;
            if (mode != 0 && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
        }
        return taskRoot;
    }

    /// <summary>dotnet10 in executable-assembly mode: <c>dotnet exec /var/task/&lt;handler&gt;.dll</c> with the Lambda environment.</summary>
    private static async Task<Sample> StartLambdaAsync(string taskRoot, string handler)
    {
        await using var emulator = await LambdaEmulator.StartAsync(new LambdaEmulatorOptions { FunctionName = "Inventory" });
        var start = new ProcessStartInfo(DotNetCli.DotNetPath);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(taskRoot, handler + ".dll"));
        emulator.Configure(start, taskRoot, handler, "AWS_Lambda_dotnet10");
        var cpu = ChildCpu.Now();
        var clock = Stopwatch.StartNew();
        string output;
        LambdaInvokeResult result;
        await using (var process = LambdaRuntimeProcess.Start(start))
        {
            var invoke = emulator.InvokeAsync(Event);
            if (await Task.WhenAny(invoke, Task.Delay(Limit)) != invoke) throw new InvalidOperationException($"{handler}: no answer within {Limit.TotalSeconds} s\n{process.Output}");
            result = await invoke;
            clock.Stop();
            output = process.Output;
        }
        if (result.StatusCode != HttpStatusCode.OK || result.FunctionError is not null) throw new InvalidOperationException($"{handler}: {result}\n{output}");
        Check(handler, result.Body, output);
        return new Sample(clock.Elapsed.TotalMilliseconds, ChildCpu.Now() - cpu);
    }

    /// <summary>The fake Functions host starts what host.json says; the first caller's POST /Inventory through its front end.</summary>
    private static async Task<Sample> StartAzureAsync(string app, bool platformHasDotnet)
    {
        var cpu = ChildCpu.Now();
        var clock = Stopwatch.StartNew();
        string body, output;
        HttpStatusCode status;
        await using (var host = await FakeAzureFunctionsHost.StartAsync(app, platformHasDotnet))
        {
            using var answer = await host.Callers.PostAsync("Inventory", new StringContent(Event, Encoding.UTF8, "application/json"));
            body = await answer.Content.ReadAsStringAsync();
            clock.Stop();
            status = answer.StatusCode;
            output = host.Output;
        }
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"{app}: {(int)status} {body}\n{output}");
        Check(app, body, output);
        return new Sample(clock.Elapsed.TotalMilliseconds, ChildCpu.Now() - cpu);
    }

    /// <summary><c>podman run -d</c> (host networking, a free PORT), then the invoker's <c>/init</c> (polled) and one <c>/run</c>.</summary>
    private static async Task<Sample> StartOpenWhiskAsync(Podman podman, string image)
    {
        var port = FreePort();
        var name = $"fpkg-bench-ow-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        var clock = Stopwatch.StartNew();
        try
        {
            // The test base image has no ICU: Inventory's fr culture needs this, in both images alike.
            podman.Run(TimeSpan.FromMinutes(2), "run", "-d", "--name", name, "--network", "host", "-e", $"PORT={port}",
                "-e", "DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY=false", image);
            using var invoker = new OpenWhiskInvoker(new Uri($"http://127.0.0.1:{port}/"), "inventory");
            var init = await invoker.InitAsync(Limit);
            if (init.Status != 200) throw new InvalidOperationException($"{image} /init: {init}\n{podman.Logs(name)}");
            var run = await invoker.RunAsync(JsonNode.Parse(Event));
            clock.Stop();
            if (run.Status != 200) throw new InvalidOperationException($"{image} /run: {run}\n{podman.Logs(name)}");
            Check(image, run.Body, podman.Logs(name));
            return new Sample(clock.Elapsed.TotalMilliseconds, null);
        }
        finally
        {
            podman.Remove(name);
        }
    }

    /// <summary>The Inventory handler's answer for APPLE (samples/Inventory/StockHandler.cs): SQLite and the fr satellite both used.</summary>
    private static void Check(string what, string body, string log)
    {
        var json = JsonDocument.Parse(body).RootElement;
        var ok = json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty("name", out var name) && name.GetString() == "Pomme"
            && json.TryGetProperty("quantity", out var quantity) && quantity.GetInt32() == 120
            && json.TryGetProperty("lastRestocked", out var restocked) && restocked.GetString() == "1 heure, 30 minutes";
        if (!ok) throw new InvalidOperationException($"{what} answered {body}\n{log}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One start: wall ms from the start to the checked answer; the CPU (user+sys, ms) of the reaped children when known.</summary>
public sealed record Sample(double Wall, double? Cpu)
{
    public override string ToString() => Cpu is { } cpu ? $"{Wall:0} ms ({cpu:0} ms CPU)" : $"{Wall:0} ms";
}

public sealed class ProtocolResult(string name)
{
    public string Name { get; } = name;
    public List<Sample> Export { get; } = new();
    public List<Sample> Baseline { get; } = new();

    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public double Median(Func<Sample, double> value, bool baseline = false) => MedianOf((baseline ? Baseline : Export).Select(value));

    public double Ratio(Func<Sample, double> value) => Median(value) / Median(value, baseline: true);

    public bool HasCpu => Export.All(s => s.Cpu is not null);
}

/// <summary>CPU time (user+sys) of this process's terminated and reaped children: getrusage(RUSAGE_CHILDREN).</summary>
internal static partial class ChildCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal { public long Seconds; public long Microseconds; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    public static double Now()
    {
        if (getrusage(-1, out var usage) != 0) throw new InvalidOperationException("getrusage failed: " + Marshal.GetLastPInvokeError());
        return (usage.User.Seconds + usage.System.Seconds) * 1000.0 + (usage.User.Microseconds + usage.System.Microseconds) / 1000.0;
    }
}

/// <summary>build/podman.sh with this run's storage and registry.</summary>
internal sealed class Podman(string folder, string registry)
{
    private readonly string _script = Path.Combine(RepoPaths.Root, "build", "podman.sh");

    public string Run(TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(_script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add(registry);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"podman {string.Join(' ', arguments)}: no exit within {limit.TotalSeconds} s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"podman {string.Join(' ', arguments)} exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    public string Logs(string name)
    {
        try { return Run(TimeSpan.FromSeconds(30), "logs", name); }
        catch (InvalidOperationException e) { return e.Message; }
    }

    public void Remove(string name)
    {
        try { Run(TimeSpan.FromSeconds(60), "rm", "-f", "-t", "0", name); }
        catch (InvalidOperationException e) { Console.Error.WriteLine(e.Message); }
    }
}
