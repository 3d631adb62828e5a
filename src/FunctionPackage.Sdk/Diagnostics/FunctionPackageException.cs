using FunctionPackage.EntryPoints;

namespace FunctionPackage.Sdk.Diagnostics;

/// <summary>
/// A user-facing failure with an <c>FPKG####</c> code. Logic classes throw it; tasks log it as a coded error.
/// The message text comes from Strings.resx and always names the fix.
/// </summary>
public sealed class FunctionPackageException : Exception
{
    public FunctionPackageException(string code, params object[] args)
        : base(DiagnosticMessages.Format(code, args))
    {
        Code = code;
    }

    public FunctionPackageException(Exception inner, string code, params object[] args)
        : base(DiagnosticMessages.Format(code, args), inner)
    {
        Code = code;
    }

    private FunctionPackageException(string code, string message, bool _)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The shared rules' refusal, with their code and already formatted message.</summary>
    public static FunctionPackageException From(EntryPointDiagnostic diagnostic) => new(diagnostic.Code, diagnostic.Message, false);

    public string Code { get; }
}
