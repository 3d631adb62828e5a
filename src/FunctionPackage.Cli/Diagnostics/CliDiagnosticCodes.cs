namespace FunctionPackage.Cli.Diagnostics;

/// <summary>fnpkg's own codes (running the host); every other FPKG5xxx code is the install library's <c>DiagnosticCodes</c>.</summary>
public static class CliDiagnosticCodes
{
    // 52xx — run and invoke
    public const string HostNotFound = "FPKG5201";
}
