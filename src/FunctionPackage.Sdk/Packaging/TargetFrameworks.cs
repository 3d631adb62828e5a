using FunctionPackage.Sdk.Diagnostics;
using NuGet.Frameworks;
using NuGet.Packaging;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>The nuspec dependency group's <c>targetFramework</c>: NuGet's framework string of the function's TFM (<c>net10.0</c>, <c>.NETCoreApp3.1</c>).</summary>
internal static class TargetFrameworks
{
    // net5.0 and later without a platform: NuGet's framework string is the TFM as written, so NuGet.Frameworks (its
    // parser's tables cost a fresh MSBuild node several milliseconds of start-up) is loaded only for any other TFM.
    public static string NuspecName(string targetFramework)
    {
        if (IsPlainNet(targetFramework)) return targetFramework;
        var framework = NuGetFramework.Parse(targetFramework);
        // PackageBuilder refuses a dependency group whose platform has no version (NU1012, net10.0-windows).
        if (framework.HasPlatform && framework.PlatformVersion == FrameworkConstants.EmptyVersion)
            throw new FunctionPackageException(DiagnosticCodes.TargetPlatformVersionMissing, targetFramework);
        return framework.GetFrameworkString();
    }

    /// <summary><c>net&lt;major&gt;.&lt;minor digit&gt;</c>, major 5 or more without a leading zero: net8.0, net10.0.</summary>
    private static bool IsPlainNet(string tfm)
    {
        var dot = tfm.IndexOf('.');
        if (!tfm.StartsWith("net", StringComparison.Ordinal) || dot < 4 || dot != tfm.Length - 2 || !char.IsAsciiDigit(tfm[^1])) return false;
        var major = tfm.AsSpan(3, dot - 3);
        foreach (var c in major) if (!char.IsAsciiDigit(c)) return false;
        return major[0] != '0' && (major.Length > 1 || major[0] >= '5');
    }
}
