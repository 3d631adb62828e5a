using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Installing.Installation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands;

/// <summary>
/// <c>fnpkg install &lt;id&gt;@&lt;version&gt; --root &lt;root&gt;</c> and <c>fnpkg run &lt;id&gt;@&lt;version&gt; --root
/// &lt;root&gt; [--urls &lt;urls&gt;]</c> when the function is already installed, answered before the System.CommandLine
/// tree, the logger factory and the installer's services are built: that set-up was most of a no-op's cost beyond the
/// runtime start, and ~25 ms CPU of <c>fnpkg run</c>'s start (docs/benchmarks.md, "Start-up and packaging levers (issue
/// 12)"). Only these exact shapes, each option once with nothing else, take the shortcut; anything else, or anything
/// that is not a no-op, returns null and runs through the command line as before, which then reports errors the one
/// way it always does. Same output, same log lines, same exit code as the full path.
/// </summary>
internal static class InstalledShortcut
{
    /// <summary>A command line this shortcut may answer: the verb, the package, the root and (run only) the addresses.</summary>
    internal sealed record Shape(string Verb, string Package, string Root, string? Urls);

    /// <summary>
    /// The exit code, or null: the full command line's work. <paramref name="ownsProcess"/>: as
    /// <see cref="CliApplication(TextWriter, bool)"/>; <c>run</c> takes the shortcut only then, as its host then runs in
    /// this process (the full path's rule: no <c>--isolated</c>, no <c>--env</c>).
    /// </summary>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output, bool ownsProcess)
    {
        if (Parse(args) is not { } shape || (shape.Verb == "run" && !ownsProcess)) return null;
        var provider = new PlainConsoleLoggerProvider(Console.Error, LogLevel.Information); // the default verbosity, normal
        try
        {
            var logger = provider.CreateLogger("fnpkg");
            InstallResult? installed;
            try
            {
                installed = FunctionInstaller.TryNoOp(new InstallRequest { Package = shape.Package, Root = shape.Root }, logger);
            }
            catch (Exception)
            {
                // Nothing is written before the log line, the last step: the full path does it again and reports the
                // failure (not a valid id@version, an unreadable root) with its code and exit code, as it always has.
                return null;
            }
            if (installed is null) return null;
            if (shape.Verb == "install")
            {
                output.Write(installed.FunctionDirectory + "\n");
                return ExitCodes.Success;
            }
            // From here on this is run's own work, with the full path's error handling: it cannot be handed back.
            return await CliApplication.Guard(() =>
            {
                var launcher = new HostLauncher();
                return launcher.RunAsync(launcher.CreateServe(installed.FunctionDirectory, installed.PackagesFolder, shape.Urls), inProcess: true, logger, CancellationToken.None);
            }, logger);
        }
        finally
        {
            provider.Dispose();
        }
    }

    /// <summary>
    /// <c>install &lt;package&gt; --root &lt;root&gt;</c> or <c>run &lt;package&gt; --root &lt;root&gt; [--urls &lt;urls&gt;]</c>,
    /// in any order, each value plain; null for any other command line.
    /// </summary>
    internal static Shape? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("install" or "run")) return null;
        var allowsUrls = args[0] == "run";
        string? package = null, root = null, urls = null;
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--root" or "--urls")
            {
                if (i + 1 >= args.Length || (arg == "--root" ? root : urls) is not null || (arg == "--urls" && !allowsUrls)) return null;
                var value = args[++i];
                if (!IsPlainValue(value)) return null;
                if (arg == "--root") root = value; else urls = value;
            }
            else if (package is null && IsPlainValue(arg)) package = arg;
            else return null; // another option, a second argument: the command line's to parse and report
        }
        return package is null || root is null ? null : new Shape(args[0], package, root, urls);
    }

    /// <summary>An option, a response file (@file) or an empty value is the command line's to parse and report.</summary>
    private static bool IsPlainValue(string? value) => !string.IsNullOrEmpty(value) && value[0] is not ('-' or '@');
}
