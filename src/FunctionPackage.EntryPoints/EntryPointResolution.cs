using FunctionPackage.Model;

namespace FunctionPackage.EntryPoints;

/// <summary>A validated entry point.</summary>
/// <param name="TypeName">Full metadata name of the type (nested types joined with '+').</param>
/// <param name="MethodName">The method name.</param>
/// <param name="Shape">How to call it.</param>
/// <param name="Discovered">True when found by discovery (FunctionEntryPoint was not set).</param>
public sealed record EntryPointResolution(string TypeName, string MethodName, EntryPointShape Shape, bool Discovered)
{
    /// <summary>The <c>Namespace.Type::Method</c> form.</summary>
    public string Reference => $"{TypeName}::{MethodName}";
}
