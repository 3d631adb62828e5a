using System.Globalization;
using System.Resources;

namespace FunctionPackage.EntryPoints;

/// <summary>
/// Entry point diagnostic codes (FPKG1001–FPKG1012 from the SDK's first release, new ones from FPKG1050).
/// Messages live in Strings.resx under the same key; docs/entry-point.md lists code, meaning and fix.
/// </summary>
public static class EntryPointCodes
{
    public const string Malformed = "FPKG1001";
    public const string TypeNotFound = "FPKG1002";
    public const string TypeNotUsable = "FPKG1003";
    public const string MethodNotFound = "FPKG1004";
    public const string MethodOverloaded = "FPKG1005";
    public const string AsyncVoid = "FPKG1006";
    public const string UnsupportedSignature = "FPKG1007";
    public const string NoConstructor = "FPKG1008";
    public const string NotDiscovered = "FPKG1009";
    public const string Ambiguous = "FPKG1010";
    /// <summary>Reported by the SDK task only: the built assembly cannot be read.</summary>
    public const string AssemblyUnreadable = "FPKG1011";
    public const string MethodNotUsable = "FPKG1012";
    /// <summary>Reported by the host only: function.json's <c>entryPoint.shape</c> is not what reflection finds.</summary>
    public const string ShapeMismatch = "FPKG1050";
}

/// <summary>
/// Why an entry point was refused, one step finer than the code (FPKG1012 covers both non-public and generic),
/// so a front end with its own code table (the host) can map problems without parsing messages.
/// </summary>
public enum EntryPointProblem
{
    Malformed,
    TypeNotFound,
    TypeNotUsable,
    MethodNotFound,
    MethodNotPublic,
    MethodGeneric,
    MethodOverloaded,
    AsyncVoid,
    UnsupportedSignature,
    NoConstructor,
    NotDiscovered,
    Ambiguous,
}

/// <summary>
/// A refused entry point: code, problem, the formatted message (which names the fix), and what it is about
/// (a type, method or parameter model, or null when it is about the FunctionEntryPoint value itself).
/// <paramref name="Related"/> are further things to point at, e.g. the types a "did you mean" suggests.
/// </summary>
public sealed record EntryPointDiagnostic(string Code, EntryPointProblem Problem, string Message, object? Subject, IReadOnlyList<object> Related)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>Looks up message formats by code in Strings.resx (key = code).</summary>
public static class EntryPointMessages
{
    private static readonly ResourceManager Resources = new("FunctionPackage.EntryPoints.Strings", typeof(EntryPointMessages).Assembly);

    /// <summary>True for the codes this library owns (FPKG1xxx).</summary>
    public static bool Owns(string code) => code.StartsWith("FPKG1", StringComparison.Ordinal);

    public static string Format(string code, params object[] args)
    {
        var format = Resources.GetString(code, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"No message for diagnostic {code} in FunctionPackage.EntryPoints' Strings.resx.");
        return string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
