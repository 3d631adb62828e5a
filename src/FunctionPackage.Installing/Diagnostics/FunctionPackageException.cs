namespace FunctionPackage.Installing.Diagnostics;

/// <summary>
/// An expected failure of reading, verifying or installing a package: its code (<see cref="DiagnosticCodes"/>) and a
/// message that starts with the code and names the fix. It carries no exit code: what a code means to a process is the
/// front end's business (fnpkg maps it in one table).
/// </summary>
public sealed class FunctionPackageException : Exception
{
    public FunctionPackageException(string code, string message, Exception? inner = null)
        : base($"{code}: {message}", inner)
    {
        Code = code;
    }

    public string Code { get; }
}
