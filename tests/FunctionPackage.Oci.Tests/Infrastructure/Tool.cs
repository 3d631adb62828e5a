using System.Diagnostics;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests.Infrastructure;

/// <summary>An external tool's run: what was run, its exit code and both streams, for assertions and failure logs.</summary>
public sealed record ToolResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"$ {CommandLine}\n[exit {ExitCode}]\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>Runs the repo's scripts and the independent readers (skopeo, umoci, tar, podman).</summary>
public static class Tool
{
    public static string Script(string name) => Path.Combine(RepoPaths.Root, "build", name);

    public static ToolResult Run(string fileName, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var commandLine = $"{fileName} {string.Join(' ', start.ArgumentList)}";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{fileName} is not installed ({e.Message}): apt-get install {fileName}, or run build/prerequisites.sh {fileName}.", e);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ToolResult(commandLine, -1, stdout.Result, stderr.Result + "\n[harness] timed out and killed");
        }
        process.WaitForExit();
        return new ToolResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    public static ToolResult Run(string fileName, params string[] args) => Run(fileName, (IEnumerable<string>)args);

    /// <summary>Runs and asserts exit code 0, printing the whole run when it is not.</summary>
    public static string Ok(string fileName, params string[] args)
    {
        var result = Run(fileName, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }

    /// <summary>
    /// The tool, or a failure naming the command that installs it: a missing reader must fail the run, never skip it.
    /// </summary>
    public static void Require(string tool, string debianPackage)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
        if (!found) found = Run(Script("prerequisites.sh"), $"{tool}:{debianPackage}").ExitCode == 0 && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
        Assert.True(found, $"{tool} is missing and could not be installed: run `apt-get update && apt-get install -y {debianPackage}` (or build/prerequisites.sh {tool}).");
    }
}
