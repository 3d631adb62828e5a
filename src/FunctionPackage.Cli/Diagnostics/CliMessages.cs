using System.Resources;
using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Cli.Diagnostics;

/// <summary>The messages of fnpkg's own codes (<see cref="CliDiagnosticCodes"/>), in CliMessages.resx, keyed like the library's.</summary>
public static class CliMessages
{
    private static readonly ResourceManager Resources = new("FunctionPackage.Cli.CliMessages", typeof(CliMessages).Assembly);

    public static string Format(string key, params object?[] args) => MessageFormatter.Format(Resources, key, args);
}
