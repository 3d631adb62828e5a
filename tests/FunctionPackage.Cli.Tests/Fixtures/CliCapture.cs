using FunctionPackage.Cli.Commands;

namespace FunctionPackage.Cli.Tests.Fixtures;

internal static class CliCapture
{
    /// <summary>
    /// The CLI's own entry point with stderr captured. Console.Error is process-wide: only for tests in a collection that
    /// never runs beside another (<see cref="Tests.EnvironmentCollection"/>).
    /// </summary>
    public static async Task<(int ExitCode, string Errors, string Output)> RunAsync(params string[] args)
    {
        var errors = new StringWriter();
        var output = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        try
        {
            var exitCode = await CliApplication.RunAsync(args, output);
            return (exitCode, errors.ToString(), output.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
