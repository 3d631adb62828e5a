using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Installation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands;

/// <summary>
/// <c>fnpkg install &lt;id&gt;@&lt;version&gt; --root &lt;root&gt;</c> when it is already installed, answered before the
/// System.CommandLine tree, the logger factory and the installer's services are built: that set-up was most of a
/// no-op's cost beyond the runtime start (docs/benchmarks.md, "Start-up and packaging levers (issue 12)"). Only this
/// exact shape, with no other option, takes the shortcut; anything else, or anything that is not a no-op, returns null
/// and runs through the command line as before, which then reports errors the one way it always does. Same output,
/// same log line, same exit code as the full path.
/// </summary>
internal static class NoOpInstall
{
    public static int? TryRun(string[] args, TextWriter output)
    {
        if (args.Length != 4 || args[0] != "install") return null;
        var (package, root) = args[1] == "--root" ? (args[3], args[2]) : args[2] == "--root" ? (args[1], args[3]) : (null, null);
        // An option, a response file (@file) or an empty value is the command line's to parse and report.
        if (!IsPlainValue(package) || !IsPlainValue(root)) return null;
        var provider = new PlainConsoleLoggerProvider(Console.Error, LogLevel.Information); // the default verbosity, normal
        try
        {
            var result = FunctionInstaller.TryNoOp(new InstallRequest { Package = package!, Root = root! }, provider.CreateLogger("fnpkg"));
            if (result is null) return null;
            output.Write(result.FunctionDirectory + "\n");
            return ExitCodes.Success;
        }
        catch (Exception)
        {
            // Nothing is written before the log line, the last step: the full path does it again and reports the
            // failure (not a valid id@version, an unreadable root) with its code and exit code, as it always has.
            return null;
        }
        finally
        {
            provider.Dispose();
        }
    }

    private static bool IsPlainValue(string? value) => !string.IsNullOrEmpty(value) && value[0] is not ('-' or '@');
}
