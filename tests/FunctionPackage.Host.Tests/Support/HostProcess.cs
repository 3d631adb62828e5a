using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FunctionPackage.Testing;

namespace FunctionPackage.Host.Tests.Support;

/// <summary>
/// The host as the CLI starts it: <c>dotnet exec --additionalprobingpath &lt;root&gt;/packages FunctionPackage.Host.dll …</c>.
/// Collects stdout and stderr; <see cref="Output"/> goes into every failing assertion's message.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process)
    {
        _process = process;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the host printed so far (stdout and stderr, prefixed by stream).</summary>
    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines); }
    }

    public static Task<HostProcess> StartServeAsync(InstalledLayout layout, params string[] options)
        => StartServeAsync(layout, new Dictionary<string, string>(), options);

    /// <summary><paramref name="environment"/>: variables set for the host process (e.g. a container platform's).</summary>
    public static Task<HostProcess> StartServeAsync(InstalledLayout layout, Dictionary<string, string> environment, params string[] options)
        => StartServeAsync(layout, probingPath: true, environment, options);

    /// <summary>
    /// The host as fnpkg runs it in its own process: no <c>--additionalprobingpath</c>, the packages folder given with
    /// <c>--packages</c> instead.
    /// </summary>
    public static Task<HostProcess> StartServeWithPackagesOptionAsync(InstalledLayout layout, params string[] options)
        => StartServeAsync(layout, probingPath: false, new Dictionary<string, string>(), new[] { "--packages", layout.PackagesDirectory }.Concat(options).ToArray());

    private static async Task<HostProcess> StartServeAsync(InstalledLayout layout, bool probingPath, Dictionary<string, string> environment, string[] options)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var args = new List<string> { "serve", "--function", layout.FunctionDirectory, "--urls", url };
        args.AddRange(options);
        var host = new HostProcess(Start(probingPath ? layout : null, args, redirectInput: false, environment));
        host.Attach();
        host.BaseAddress = new Uri(url + "/");
        host.Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var exited = host._process.WaitForExitAsync();
        var first = await Task.WhenAny(host._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != host._listening.Task)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The host did not start listening.\n{host.Output}");
        }
        return host;
    }

    /// <summary>
    /// Starts the host without waiting for it to listen: a protocol that is a client (aws-lambda) never does.
    /// <paramref name="layout"/>: null for a function folder that is not a full install (a load failure).
    /// </summary>
    public static HostProcess StartClient(InstalledLayout? layout, string functionDirectory, Dictionary<string, string> environment, params string[] options)
    {
        var args = new List<string> { "serve", "--function", functionDirectory };
        args.AddRange(options);
        var host = new HostProcess(Start(layout, args, redirectInput: false, environment));
        host.Attach();
        return host;
    }

    /// <summary>Runs <c>invoke</c> (or any verb) to completion; stdout and stderr separately.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(InstalledLayout? layout, params string[] args)
        => RunWithInputAsync(layout, "", args);

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(InstalledLayout? layout, string stdin, params string[] args)
        => RunWithEnvironmentAsync(layout, new Dictionary<string, string>(), stdin, args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithEnvironmentAsync(
        InstalledLayout? layout, Dictionary<string, string> environment, string stdin, params string[] args)
    {
        using var process = Start(layout, args, redirectInput: true, environment);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static Process Start(InstalledLayout? layout, IEnumerable<string> args, bool redirectInput, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(DotNetCli.DotNetPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
        };
        start.ArgumentList.Add("exec");
        if (layout is not null)
        {
            start.ArgumentList.Add("--additionalprobingpath");
            start.ArgumentList.Add(layout.PackagesDirectory);
        }
        start.ArgumentList.Add(TestPaths.HostAssembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("DOTNET_URLS");
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Not a container (nor Lambda) unless a test says so: the host would listen on all interfaces (docs/host.md, "In a container").
        foreach (var containerVariable in new[] { "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "PORT", "DOTNET_RUNNING_IN_CONTAINER", "AWS_LAMBDA_RUNTIME_API" })
        {
            start.Environment.Remove(containerVariable);
        }
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    private void Attach()
    {
        _process.OutputDataReceived += (_, e) => Collect("out", e.Data);
        _process.ErrorDataReceived += (_, e) => Collect("err", e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Collect(string stream, string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add($"[{stream}] {line}");
        if (line.Contains("Now listening on:", StringComparison.Ordinal)) _listening.TrySetResult(line);
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops the host.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
