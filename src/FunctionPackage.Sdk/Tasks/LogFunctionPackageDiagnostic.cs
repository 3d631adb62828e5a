using FunctionPackage.Sdk.Diagnostics;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace FunctionPackage.Sdk.Tasks;

/// <summary>
/// Logs an FPKG error whose message lives in Strings.resx, so targets never repeat message text.
/// </summary>
public sealed class LogFunctionPackageDiagnostic : Task
{
    [Required] public string Code { get; set; } = "";
    public string[] Arguments { get; set; } = Array.Empty<string>();
    public string ProjectFile { get; set; } = "";

    public override bool Execute()
    {
        var message = DiagnosticMessages.Format(Code, Arguments.Cast<object>().ToArray());
        Log.LogError(null, Code, null, ProjectFile, 0, 0, 0, 0, message);
        return false;
    }
}
