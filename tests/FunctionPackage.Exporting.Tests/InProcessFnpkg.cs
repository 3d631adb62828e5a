using FunctionPackage.Cli.Commands;
using Xunit.Abstractions;

namespace FunctionPackage.Exporting.Tests;

/// <summary>fnpkg run in-process with its stdout and stderr captured, and the command line and both streams in the test's log.</summary>
internal static class InProcessFnpkg
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(ITestOutputHelper log, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var previous = Console.Error;
        Console.SetError(errors);
        int exitCode;
        try
        {
            exitCode = await CliApplication.RunAsync(args, output);
        }
        finally
        {
            Console.SetError(previous);
        }
        log.WriteLine($"$ fnpkg {string.Join(' ', args)}\n[exit {exitCode}]\n{output}\n--- stderr\n{errors}");
        return (exitCode, output.ToString(), errors.ToString());
    }
}
