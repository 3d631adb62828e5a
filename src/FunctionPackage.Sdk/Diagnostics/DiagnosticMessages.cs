using System.Globalization;
using System.Resources;
using FunctionPackage.EntryPoints;

namespace FunctionPackage.Sdk.Diagnostics;

/// <summary>Looks up diagnostic message formats by code in Strings.resx (key = code); FPKG1xxx in the entry point library's.</summary>
public static class DiagnosticMessages
{
    private static readonly ResourceManager Resources =
        new("FunctionPackage.Sdk.Strings", typeof(DiagnosticMessages).Assembly);

    public static string Format(string code, params object[] args)
    {
        if (EntryPointMessages.Owns(code)) return EntryPointMessages.Format(code, args);
        var format = Resources.GetString(code, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"No message for diagnostic {code} in Strings.resx.");
        return string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
