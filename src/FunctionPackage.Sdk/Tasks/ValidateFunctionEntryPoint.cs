using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.EntryPoints;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FunctionPackage.Sdk.Tasks;

/// <summary>
/// Validates the function's entry point against the built assembly (metadata only; the file is not locked)
/// and reports it. A thin MSBuild layer over <see cref="EntryPointValidator"/>; errors are FPKG1001–FPKG1012,
/// logged against <see cref="ProjectFile"/> so the IDE shows them on the project.
/// </summary>
public sealed class ValidateFunctionEntryPoint : Microsoft.Build.Utilities.Task
{
    /// <summary>The built function assembly (absolute path).</summary>
    [Required]
    public string AssemblyPath { get; set; } = "";

    /// <summary><c>$(FunctionEntryPoint)</c>: <c>Namespace.Type::Method</c>, or empty to discover a single <c>Handle</c>/<c>HandleAsync</c> method.</summary>
    public string EntryPoint { get; set; } = "";

    /// <summary><c>@(ReferencePath)</c>: the compile references, so a referenced input or result type's kind (delegate, ref struct) is known.</summary>
    public ITaskItem[] References { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The project file errors are reported against (usually <c>$(MSBuildProjectFullPath)</c>).</summary>
    public string ProjectFile { get; set; } = "";

    /// <summary>Full metadata name of the entry point type (nested types joined with '+').</summary>
    [Output]
    public string EntryPointType { get; set; } = "";

    /// <summary>Name of the entry point method.</summary>
    [Output]
    public string EntryPointMethod { get; set; } = "";

    /// <summary>
    /// The call shape, four ';'-separated fields in this order:
    /// <c>static|instance;input=none|poco|string|bytes|cloudevent;cancellation=true|false;result=void|value|task|taskOfT|valueTask|valueTaskOfT</c>,
    /// e.g. <c>static;input=poco;cancellation=true;result=taskOfT</c>. Parse it with <see cref="EntryPointShape.TryParse"/>.
    /// </summary>
    [Output]
    public string EntryPointShape { get; set; } = "";

    public override bool Execute()
    {
        try
        {
            var resolution = new EntryPointValidator().Resolve(AssemblyPath, EntryPoint, References.Select(r => r.GetMetadata("FullPath")));
            EntryPointType = resolution.TypeName;
            EntryPointMethod = resolution.MethodName;
            EntryPointShape = resolution.Shape.ToString();
            Log.LogMessage(MessageImportance.Low, "Function entry point{0}: {1} ({2})",
                resolution.Discovered ? " (discovered)" : "", resolution.Reference, EntryPointShape);
        }
        catch (FunctionPackageException ex)
        {
            LogError(ex.Code, ex.Message);
        }
        catch (Exception ex)
        {
            LogError(DiagnosticCodes.AssemblyUnreadable, DiagnosticMessages.Format(DiagnosticCodes.AssemblyUnreadable, AssemblyPath, ex.Message));
        }
        return !Log.HasLoggedErrors;
    }

    private void LogError(string code, string message) =>
        Log.LogError(subcategory: null, errorCode: code, helpKeyword: null, file: ProjectFile,
            lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: message);
}
