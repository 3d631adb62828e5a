namespace FunctionPackage.Cli.Diagnostics;

/// <summary>An expected failure: a coded message (starting with its code) and the exit code it maps to.</summary>
public sealed class CliException : Exception
{
    public CliException(string code, int exitCode, string message, Exception? inner = null)
        : base($"{code}: {message}", inner)
    {
        Code = code;
        ExitCode = exitCode;
    }

    public string Code { get; }
    public int ExitCode { get; }
}
