using System.Runtime.InteropServices;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Model;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Installing;

/// <summary>
/// Checks that each shared framework the function needs is installed under <c>&lt;dotnet root&gt;/shared/&lt;name&gt;/&lt;version&gt;</c>,
/// applying the runtime's roll-forward rules (default Minor: same major, at least the requested minor.patch).
/// </summary>
public sealed class RuntimeFrameworkChecker
{
    public RuntimeFrameworkChecker(string? dotnetRoot = null, string? currentRid = null)
    {
        DotnetRoot = dotnetRoot ?? FindDotnetRoot();
        CurrentRid = currentRid ?? RuntimeInformation.RuntimeIdentifier;
    }

    public string DotnetRoot { get; }

    /// <summary>The runtime identifier of this machine, e.g. <c>linux-x64</c>.</summary>
    public string CurrentRid { get; }

    /// <summary>The dotnet root of the running runtime: CoreLib lives in <c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>.</summary>
    public static string FindDotnetRoot()
    {
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtimeDirectory)));
        if (root is not null && Directory.Exists(Path.Combine(root, "shared"))) return root;
        var processDirectory = Path.GetDirectoryName(Environment.ProcessPath);
        return processDirectory ?? "";
    }

    /// <summary>The installed version that satisfies each framework, or a coded error (exit 4) naming what to install.</summary>
    public IReadOnlyDictionary<string, string> Check(RuntimeDefinition runtime)
    {
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        // A RID-specific package carries native assets for that RID only: anywhere else they would fail at run time.
        if (runtime.Rid is not null && !string.Equals(runtime.Rid, CurrentRid, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(CliDiagnosticCodes.RuntimeIdentifierMismatch, ExitCodes.RuntimeMissing,
                $"The function was published for {runtime.Rid}, but this machine is {CurrentRid}: its native assets would not load here. " +
                $"Install it on a {runtime.Rid} machine, or publish it portable (without -r) or with -r {CurrentRid}.");
        }
        if (runtime.SelfContained) return chosen;
        foreach (var framework in runtime.Frameworks)
        {
            if (!NuGetVersion.TryParse(framework.Version, out var required))
            {
                throw new CliException(CliDiagnosticCodes.ManifestInvalid, ExitCodes.VerificationFailed,
                    $"function.json framework {framework.Name} has an invalid version '{framework.Version}'. Rebuild the package.");
            }
            var installed = InstalledVersions(framework.Name);
            var match = installed.Where(v => Satisfies(v, required, runtime.RollForward)).OrderBy(v => v).FirstOrDefault();
            if (match is null)
            {
                var have = installed.Count == 0 ? "none" : string.Join(", ", installed.Select(v => v.ToNormalizedString()));
                throw new CliException(CliDiagnosticCodes.RuntimeFrameworkMissing, ExitCodes.RuntimeMissing,
                    $"The function needs {framework.Name} {framework.Version} (rollForward {runtime.RollForward ?? "Minor"}) but '{DotnetRoot}' has {have}. " +
                    $"Install the .NET runtime {required.Major}.{required.Minor} ({framework.Name}) or run on a machine that has it.");
            }
            chosen[framework.Name] = match.ToNormalizedString();
        }
        return chosen;
    }

    private List<NuGetVersion> InstalledVersions(string frameworkName)
    {
        var folder = Path.Combine(DotnetRoot, "shared", frameworkName);
        if (!Directory.Exists(folder)) return new List<NuGetVersion>();
        return Directory.GetDirectories(folder)
            .Select(d => NuGetVersion.TryParse(Path.GetFileName(d), out var v) ? v : null)
            .Where(v => v is not null).Select(v => v!).ToList();
    }

    /// <summary>The host's roll-forward rules, simplified to release versions: previews only match themselves.</summary>
    internal static bool Satisfies(NuGetVersion installed, NuGetVersion required, string? rollForward)
    {
        if (installed < required) return false;
        if (installed.IsPrerelease && !(required.IsPrerelease && installed.Major == required.Major && installed.Minor == required.Minor)) return false;
        return (rollForward ?? "Minor").ToLowerInvariant() switch
        {
            "disable" => installed == required,
            "latestpatch" => installed.Major == required.Major && installed.Minor == required.Minor,
            "major" or "latestmajor" => true,
            _ => installed.Major == required.Major, // Minor, LatestMinor
        };
    }
}
