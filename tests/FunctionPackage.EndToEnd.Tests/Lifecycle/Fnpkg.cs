using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using FunctionPackage.Testing;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The real <c>fnpkg</c> as built by this test run (<c>src/FunctionPackage.Cli/bin/&lt;Configuration&gt;/net10.0/fnpkg.dll</c>,
/// with the host in <c>host/</c> beside it; the test project references the CLI project for build order only),
/// started as <c>dotnet fnpkg.dll …</c>.
/// </summary>
public static class Fnpkg
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>A v3 source where nothing listens: any feed access fails (connection refused, FPKG5101).</summary>
    public const string UnreachableSource = "http://127.0.0.1:1/index.json";

    private static readonly Lazy<string> LazyPath = new(Locate);

    public static string DllPath => LazyPath.Value;

    /// <summary>Runs fnpkg to completion (killed with its children after <paramref name="timeout"/>).</summary>
    public static CliRun Run(string workingDirectory, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var process = Start(workingDirectory, args);
        process.WaitForExit(timeout ?? DefaultTimeout);
        return process.Result();
    }

    public static CliRun Run(string workingDirectory, params string[] args) => Run(workingDirectory, args, null);

    /// <summary>Runs fnpkg with these environment variables set (null removes one), e.g. a registry's credentials file.</summary>
    public static CliRun Run(IDictionary<string, string?> environment, string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args, environment);
        process.WaitForExit(DefaultTimeout);
        return process.Result();
    }

    /// <summary>Starts fnpkg and collects stdout and stderr apart. Dispose kills it with its children if still running.</summary>
    public static CliProcess Start(string workingDirectory, IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(DotNetCli.DotNetPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The host must be the one shipped beside fnpkg (host/), never a development override.
        start.Environment.Remove("FNPKG_HOST_PATH");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return new CliProcess(start);
    }

    private static string Locate()
    {
        var configuration = typeof(Fnpkg).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Cli", "bin", configuration, "net10.0", "fnpkg.dll");
        var host = Path.Combine(Path.GetDirectoryName(path)!, "host", "FunctionPackage.Host.dll");
        if (!File.Exists(path) || !File.Exists(host))
        {
            throw new InvalidOperationException(
                $"{path} (with host/FunctionPackage.Host.dll beside it) does not exist. The test project references src/FunctionPackage.Cli " +
                $"for build order, so building the tests in {configuration} builds it; run `dotnet build tests/FunctionPackage.EndToEnd.Tests -c {configuration}`.");
        }
        return path;
    }
}

/// <summary>The outcome of one fnpkg process: exit code and its stdout and stderr, kept apart.</summary>
public sealed record CliRun(string CommandLine, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Everything needed to understand a failure, for assertion messages.</summary>
    public string Log => $"> {CommandLine}\nexit code {ExitCode}{(TimedOut ? " (timed out, process tree killed)" : "")}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";

    public override string ToString() => Log;
}

/// <summary>A started fnpkg process; stdout and stderr are read asynchronously so it never blocks on a full pipe.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private bool _timedOut;

    internal CliProcess(ProcessStartInfo start)
    {
        CommandLine = $"(cd {start.WorkingDirectory}) {start.FileName} {string.Join(' ', start.ArgumentList.Select(Quote))}";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Waits for the exit; on timeout kills the process tree and returns false.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (_process.WaitForExit(timeout))
        {
            _process.WaitForExit(); // drains the asynchronous readers
            return true;
        }
        _timedOut = true;
        Kill();
        return false;
    }

    /// <summary>SIGTERM, what <c>docker stop</c>/systemd send: fnpkg forwards it to the host and waits for it.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>SIGKILL to the process and every child (the host): nothing gets to clean up.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        _process.WaitForExit(10_000);
    }

    public CliRun Result()
    {
        if (!_process.HasExited) throw new InvalidOperationException($"{CommandLine} is still running.");
        var stderr = Stderr + (_timedOut ? "[test] the process timed out and was killed with its children\n" : "");
        return new CliRun(CommandLine, _timedOut ? -1 : _process.ExitCode, Stdout, stderr, _timedOut);
    }

    /// <summary>What the process printed so far, for assertion messages while it runs.</summary>
    public string Log => $"> {CommandLine}\n{(HasExited ? $"exit code {_process.ExitCode}" : "still running")}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null) return;
        lock (buffer) buffer.Append(line).Append('\n');
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\'') ? arg : $"'{arg}'";

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
