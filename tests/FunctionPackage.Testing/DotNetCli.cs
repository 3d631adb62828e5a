using System.Diagnostics;

namespace FunctionPackage.Testing;

/// <summary>Runs the real <c>dotnet</c> CLI out of process, isolated from the test host's MSBuild environment.</summary>
public static class DotNetCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Normal verbosity so high-importance messages show; no summary so each diagnostic prints once.</summary>
    public static readonly IReadOnlyList<string> MSBuildLoggingArguments = new[] { "-nologo", "-tl:off", "-clp:NoSummary;ForceNoAlign", "-v:n" };

    // Variables `dotnet test` (an MSBuild process) leaves in the test host's environment: inherited, they would
    // point the child MSBuild at the parent's SDK resolution state instead of its own.
    private static readonly string[] InheritedVariablesToRemove =
    {
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE", "_MSBUILDTLENABLED", "NUGET_PACKAGES", "RestorePackagesPath",
    };

    /// <summary>The dotnet host running the tests when known (<c>DOTNET_HOST_PATH</c>), else <c>dotnet</c> from PATH.</summary>
    public static string DotNetPath
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }
    }

    /// <summary>
    /// Runs <c>dotnet args</c> in <paramref name="workingDirectory"/>. <c>NUGET_PACKAGES</c> is set to the
    /// <c>globalPackagesFolder</c> of the nearest NuGet.config above the working directory (a test's
    /// <see cref="PackageRepository"/>), so a package is never served from the machine's shared cache.
    /// </summary>
    public static BuildOutput Run(IEnumerable<string> args, string workingDirectory, TimeSpan? timeout = null, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(DotNetPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);

        foreach (var name in InheritedVariablesToRemove) start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        var packages = PackageRepository.FindGlobalPackagesFolder(workingDirectory);
        if (packages is not null) start.Environment["NUGET_PACKAGES"] = packages;
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) start.Environment.Remove(name);
                else start.Environment[name] = value;
            }
        }

        var commandLine = $"(cd {workingDirectory}) {start.FileName} {string.Join(' ', start.ArgumentList.Select(Quote))}";
        var lines = new List<string>();
        using var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var limit = timeout ?? DefaultTimeout;
        var timedOut = !process.WaitForExit(limit);
        if (timedOut)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already exited */ }
            process.WaitForExit(10_000);
        }
        else
        {
            process.WaitForExit(); // drains the asynchronous readers
        }

        List<string> snapshot;
        lock (lines) snapshot = new List<string>(lines);
        if (timedOut) snapshot.Add($"[harness] process timed out after {limit} and was killed with its children");
        return new BuildOutput(commandLine, timedOut ? -1 : process.ExitCode, snapshot, timedOut);
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\'') ? arg : $"'{arg}'";
}
