using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Hosting;

/// <summary>
/// Starts the function host (src/FunctionPackage.Host, shipped in the tool's <c>host/</c> folder) for an installed function:
/// <c>dotnet exec --additionalprobingpath &lt;root&gt;/packages host/FunctionPackage.Host.dll serve|invoke --function &lt;dir&gt; …</c>.
/// The probing path is absolute because relative ones resolve against the current directory. When fnpkg is its own
/// process, the host runs inside it instead (<see cref="InProcessHost"/>), unless something needs a process of its own.
/// </summary>
public sealed class HostLauncher
{
    public const string HostAssemblyName = "FunctionPackage.Host.dll";
    /// <summary>Overrides where the host dll is looked for (a path to FunctionPackage.Host.dll); for development and tests.</summary>
    public const string HostPathVariable = "FNPKG_HOST_PATH";
    /// <summary>fnpkg's exit code when the host ran and failed is this plus the host's own exit code (see docs/cli.md).</summary>
    public const int HostExitCodeBase = 10;

    public HostLauncher(string? hostAssemblyPath = null, string? dotnetRoot = null)
    {
        var given = hostAssemblyPath ?? Environment.GetEnvironmentVariable(HostPathVariable);
        HostAssemblyPath = given ?? Path.Combine(AppContext.BaseDirectory, "host", HostAssemblyName);
        // The host run here: fnpkg's ReadyToRun host for this machine's RID where the tool carries one (host-linux-x64/:
        // its code is not JIT-compiled at every start, docs/benchmarks.md), else the IL host; a given path as given.
        RunHostAssemblyPath = given ?? Path.Combine(
            PlatformAssets.HostDirectoryFor(Path.GetDirectoryName(HostAssemblyPath)!, RuntimeInformation.RuntimeIdentifier, HostAssemblyName), HostAssemblyName);
        DotnetRoot = dotnetRoot ?? RuntimeFrameworkChecker.FindDotnetRoot();
    }

    /// <summary>The IL host, which runs on every platform: what the exporters start from (they pick each target's own host).</summary>
    public string HostAssemblyPath { get; }

    /// <summary>The host <c>run</c>/<c>invoke</c> start on this machine, in this process or a child one.</summary>
    public string RunHostAssemblyPath { get; }
    public string DotnetRoot { get; }

    public string DotnetExecutable => Path.Combine(DotnetRoot, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");

    /// <summary><c>serve</c>; a null setting is left out so the host's default applies (docs/host.md).</summary>
    public ProcessStartInfo CreateServe(string functionDirectory, string packagesFolder, string? urls,
        double? invocationTimeoutSeconds = null, int? maxConcurrentInvocations = null,
        long? maxRequestBodyBytes = null, IReadOnlyList<KeyValuePair<string, string>>? environment = null,
        double? drainTimeoutSeconds = null)
    {
        var start = CreateBase(packagesFolder, "serve", functionDirectory);
        AddOption(start, "--urls", string.IsNullOrEmpty(urls) ? null : urls);
        AddOption(start, "--invocation-timeout", invocationTimeoutSeconds?.ToString("R", CultureInfo.InvariantCulture));
        AddOption(start, "--max-concurrent-invocations", maxConcurrentInvocations?.ToString(CultureInfo.InvariantCulture));
        AddOption(start, "--max-request-body-bytes", maxRequestBodyBytes?.ToString(CultureInfo.InvariantCulture));
        AddOption(start, "--drain-timeout", drainTimeoutSeconds?.ToString("R", CultureInfo.InvariantCulture));
        // --env/--env-file: the function sees them as the image's Env would give them (fnpkg export).
        foreach (var (name, value) in environment ?? Array.Empty<KeyValuePair<string, string>>()) start.Environment[name] = value;
        return start;
    }

    /// <summary><c>invoke</c>; a null setting is left out so the host's default applies (docs/host.md).</summary>
    public ProcessStartInfo CreateInvoke(string functionDirectory, string packagesFolder, string? data, double? invocationTimeoutSeconds = null)
    {
        var start = CreateBase(packagesFolder, "invoke", functionDirectory);
        AddOption(start, "--data", data);
        AddOption(start, "--invocation-timeout", invocationTimeoutSeconds?.ToString("R", CultureInfo.InvariantCulture));
        return start;
    }

    private static void AddOption(ProcessStartInfo start, string name, string? value)
    {
        if (value is null) return;
        start.ArgumentList.Add(name);
        start.ArgumentList.Add(value);
    }

    /// <summary>
    /// Runs the host for <paramref name="start"/> (<see cref="CreateServe"/>, <see cref="CreateInvoke"/>) in this process
    /// when <paramref name="inProcess"/> and ASP.NET Core for this runtime is found (<see cref="InProcessHost"/>) — the same
    /// arguments plus <c>--packages</c> — else as a child process (<see cref="RunAsync(ProcessStartInfo, CancellationToken)"/>).
    /// </summary>
    public async Task<int> RunAsync(ProcessStartInfo start, bool inProcess, ILogger logger, CancellationToken cancellationToken)
    {
        if (inProcess)
        {
            if (InProcessHost.FindAspNetCore(RunHostAssemblyPath, out var reason) is { } aspNetCore)
            {
                // start.ArgumentList: exec --additionalprobingpath <packages> <host dll> <verb> … (CreateBase).
                var args = start.ArgumentList.Skip(ChildArgumentsBeforeVerb).Concat(new[] { "--packages", start.ArgumentList[2] }).ToArray();
                return ExitCodeFor(await InProcessHost.RunAsync(RunHostAssemblyPath, aspNetCore, args, cancellationToken));
            }
            logger.LogInformation("The host runs as its own process: {Reason}.", reason);
        }
        return await RunAsync(start, cancellationToken);
    }

    private static int ExitCodeFor(int hostExitCode) => hostExitCode == 0 ? ExitCodes.Success : HostExitCodeBase + hostExitCode;

    /// <summary>Runs the host as a child process with inherited stdin/stdout/stderr and returns fnpkg's exit code for it.</summary>
    public async Task<int> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        using var process = Process.Start(start)
            ?? throw new FunctionPackageException(CliDiagnosticCodes.HostNotFound, CliMessages.Format("FPKG5201", start.FileName));
        // Ctrl+C in a terminal reaches the host too, but SIGTERM sent to fnpkg alone (docker stop, systemd, kill) does not:
        // pass it on so the host shuts down gracefully, and stay until it has exited so it is never orphaned.
        void Forward(PosixSignalContext context)
        {
            context.Cancel = true;
            Terminate(process);
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Terminate(process);
            if (!process.WaitForExit(TimeSpan.FromMilliseconds(1500))) process.Kill(entireProcessTree: true);
            return ExitCodes.Success;
        }
        return ExitCodeFor(process.ExitCode);
    }

    private static void Terminate(Process process)
    {
        try
        {
            if (process.HasExited) return;
            if (OperatingSystem.IsWindows()) process.Kill(entireProcessTree: true);
            else _ = SendSignal(process.Id, SigTerm);
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary><c>exec --additionalprobingpath &lt;packages&gt; &lt;host dll&gt;</c>: what only a child process needs.</summary>
    private const int ChildArgumentsBeforeVerb = 4;

    private ProcessStartInfo CreateBase(string packagesFolder, string verb, string functionDirectory)
    {
        if (!File.Exists(RunHostAssemblyPath))
        {
            throw new FunctionPackageException(CliDiagnosticCodes.HostNotFound, CliMessages.Format("FPKG5201_2", RunHostAssemblyPath, HostPathVariable));
        }
        var start = new ProcessStartInfo(DotnetExecutable) { UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--additionalprobingpath");
        start.ArgumentList.Add(Path.GetFullPath(packagesFolder));
        start.ArgumentList.Add(RunHostAssemblyPath);
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add("--function");
        start.ArgumentList.Add(Path.GetFullPath(functionDirectory));
        return start;
    }
}
