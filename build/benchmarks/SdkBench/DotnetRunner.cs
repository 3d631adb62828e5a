using System.Diagnostics;
using System.Text;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>The outcome of one `dotnet` command: exit code, wall time and the captured console output.</summary>
public sealed record DotnetResult(int ExitCode, TimeSpan Elapsed, string Output);

/// <summary>
/// Runs the `dotnet` CLI the same way for every measured command: node reuse and the MSBuild server off, no
/// shared compiler server (nothing is left running on a shared machine), no telemetry, no first-run banner.
/// </summary>
public sealed class DotnetRunner
{
    /// <summary>The environment every measured command runs with; printed into the report.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Environment = new[]
    {
        new KeyValuePair<string, string>("MSBUILDDISABLENODEREUSE", "1"),
        new KeyValuePair<string, string>("DOTNET_CLI_USE_MSBUILD_SERVER", "0"),
        new KeyValuePair<string, string>("DOTNET_CLI_TELEMETRY_OPTOUT", "1"),
        new KeyValuePair<string, string>("DOTNET_NOLOGO", "1"),
        new KeyValuePair<string, string>("DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1"),
    };

    private readonly string _logDirectory;
    private int _sequence;

    public DotnetRunner(string logDirectory)
    {
        _logDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
    }

    /// <summary>Runs `dotnet args` in <paramref name="workingDirectory"/>; throws with the output tail when it fails.</summary>
    public DotnetResult Run(string workingDirectory, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // When the driver itself runs under `dotnet run`, MSBuild's own variables would leak into the child build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in Environment) start.Environment[key] = value;

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        stopwatch.Stop();

        var text = output.ToString();
        var sequence = Interlocked.Increment(ref _sequence);
        File.WriteAllText(Path.Combine(_logDirectory, $"{sequence:D3}.log"), $"cwd: {workingDirectory}\n$ dotnet {Format(args)}\n\n{text}");
        if (process.ExitCode != 0)
        {
            var tail = string.Join('\n', text.Split('\n').TakeLast(40));
            throw new InvalidOperationException($"`dotnet {Format(args)}` in {workingDirectory} exited with {process.ExitCode}:\n{tail}");
        }
        return new DotnetResult(process.ExitCode, stopwatch.Elapsed, text);
    }

    /// <summary>Captures `dotnet args` output (for `dotnet --version`).</summary>
    public static string Capture(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    /// <summary>A command line as a user would type it (arguments with spaces or semicolons quoted).</summary>
    public static string Format(IEnumerable<string> args)
        => string.Join(' ', args.Select(a => a.IndexOfAny(new[] { ' ', ';', '"' }) >= 0 ? $"\"{a.Replace("\"", "\\\"")}\"" : a));
}
