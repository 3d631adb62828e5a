using System.Globalization;
using System.Resources;

namespace FunctionPackage.Installing.Diagnostics;

/// <summary>
/// The messages of the install library's codes, in DiagnosticMessages.resx: key = the code, or the code and a number
/// when one code has several messages (FPKG5110, FPKG5110_2, …). Every message names the fix.
/// </summary>
public static class DiagnosticMessages
{
    private static readonly ResourceManager Resources = new("FunctionPackage.Installing.DiagnosticMessages", typeof(DiagnosticMessages).Assembly);

    public static string Format(string key, params object?[] args) => MessageFormatter.Format(Resources, key, args);
}

/// <summary>Formats a coded message from a component's resx (invariant culture: messages are read by people and scripts alike).</summary>
public static class MessageFormatter
{
    public static string Format(ResourceManager resources, string key, object?[] args)
    {
        var format = resources.GetString(key, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"No message '{key}' in {resources.BaseName}.");
        return string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
