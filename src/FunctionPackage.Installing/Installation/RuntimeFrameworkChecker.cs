using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Model;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Installation;

/// <summary>
/// Judges whether fnpkg's host can run a function. The function is a class library the host loads into its own
/// process, so what runs it is the host's runtime — Microsoft.NETCore.App and Microsoft.AspNetCore.App of the host's
/// major version, as the muxer picks them from <c>&lt;dotnet root&gt;/shared</c> — not the frameworks the function was
/// built against: a net8.0 function runs on a host that runs on .NET 10. The host refuses the rest (FPKG4004), so
/// install refuses it first.
/// </summary>
public sealed class RuntimeFrameworkChecker
{
    /// <summary>The shared frameworks the host runs on and offers every function (docs/host.md, "Loading").</summary>
    public static readonly IReadOnlyList<string> HostFrameworks = new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" };

    /// <summary>
    /// <paramref name="hostTargetVersion"/>: the .NET version the host is built for (its runtimeconfig asks that
    /// major.minor, roll-forward Minor). Default: fnpkg's own target framework — the host ships inside fnpkg and is
    /// built for the same one.
    /// </summary>
    public RuntimeFrameworkChecker(string? dotnetRoot = null, string? currentRid = null, Version? hostTargetVersion = null)
    {
        DotnetRoot = dotnetRoot ?? FindDotnetRoot();
        CurrentRid = currentRid ?? RuntimeInformation.RuntimeIdentifier;
        HostTargetVersion = hostTargetVersion ?? OwnTargetVersion();
    }

    public string DotnetRoot { get; }

    /// <summary>The runtime identifier of this machine, e.g. <c>linux-x64</c>.</summary>
    public string CurrentRid { get; }

    /// <summary>The .NET version the host targets, e.g. 10.0.</summary>
    public Version HostTargetVersion { get; }

    /// <summary>The dotnet root of the running runtime: CoreLib lives in <c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>.</summary>
    public static string FindDotnetRoot()
    {
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtimeDirectory)));
        if (root is not null && Directory.Exists(Path.Combine(root, "shared"))) return root;
        var processDirectory = Path.GetDirectoryName(Environment.ProcessPath);
        return processDirectory ?? "";
    }

    /// <summary>
    /// The host's version of each framework the function names (what will run it), or a coded error (exit 4):
    /// FPKG5111 another RID, FPKG5105 the host's own runtime is not installed, FPKG5150 the function needs more than the host has.
    /// </summary>
    public IReadOnlyDictionary<string, string> Check(RuntimeDefinition runtime)
    {
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        // A RID-specific package carries native assets for that RID only: anywhere else they would fail at run time.
        if (runtime.Rid is not null && !string.Equals(runtime.Rid, CurrentRid, StringComparison.OrdinalIgnoreCase))
        {
            throw new FunctionPackageException(DiagnosticCodes.RuntimeIdentifierMismatch, DiagnosticMessages.Format("FPKG5111", runtime.Rid, CurrentRid, runtime.Rid, CurrentRid));
        }
        if (runtime.SelfContained) return chosen;
        var host = ResolveHostFrameworks();
        foreach (var framework in runtime.Frameworks)
        {
            var required = ParseVersion(framework);
            if (!host.TryGetValue(framework.Name, out var provided))
            {
                throw new FunctionPackageException(DiagnosticCodes.FrameworkNotRunnableByHost, DiagnosticMessages.Format("FPKG5150", framework.Name, string.Join(" and ", HostFrameworks)));
            }
            // The host compares major.minor (FPKG4004): a newer patch than installed still runs, a newer minor or major does not.
            if (new Version(required.Major, required.Minor) > new Version(provided.Major, provided.Minor))
            {
                throw new FunctionPackageException(DiagnosticCodes.FrameworkNotRunnableByHost, DiagnosticMessages.Format("FPKG5150_2", framework.Name, framework.Version, required.Major, required.Minor, framework.Name, provided.ToNormalizedString(), provided.Major, provided.Minor, required.Major, required.Minor));
            }
            chosen[framework.Name] = provided.ToNormalizedString();
        }
        return chosen;
    }

    /// <summary>
    /// For <c>--materialize</c>: the folder is a plain publish output that runs on its own (<c>dotnet Function.dll</c>
    /// through a runtimeconfig of its own), so it needs the frameworks the function was built against, with its
    /// roll-forward. Returns what it needs and whether this machine has it; never refuses anything.
    /// </summary>
    public (string Message, bool Satisfied) DescribeStandaloneNeeds(RuntimeDefinition runtime)
    {
        if (runtime.SelfContained) return ("It is self-contained: it needs no shared framework.", true);
        var rollForward = runtime.RollForward ?? "Minor";
        var needs = new List<string>();
        var missing = new List<string>();
        foreach (var framework in runtime.Frameworks)
        {
            var required = ParseVersion(framework);
            needs.Add($"{framework.Name} {framework.Version}");
            var installed = InstalledVersions(framework.Name);
            if (!installed.Any(v => Satisfies(v, required, rollForward)))
            {
                var have = installed.Count == 0 ? "none" : string.Join(", ", installed.OrderBy(v => v).Select(v => v.ToNormalizedString()));
                missing.Add($"{framework.Name} {required.Major}.{required.Minor} (this machine has {have})");
            }
        }
        var message = $"To run on its own it needs {(needs.Count == 0 ? "no shared framework" : string.Join(" and ", needs))} (rollForward {rollForward})";
        if (missing.Count == 0) return (message + ", which this machine has.", true);
        return (message + $"; missing here: {string.Join("; ", missing)}. Install that .NET runtime to run it on its own, or run it with " +
            "DOTNET_ROLL_FORWARD=Major. fnpkg run/invoke are not affected: fnpkg's host runs the function.", false);
    }

    /// <summary>
    /// Each host framework as the muxer resolves the host's runtimeconfig: the target major, the lowest minor at or above
    /// the target's, its latest patch (roll-forward Minor; releases only). FPKG5105 if one is not installed.
    /// </summary>
    private Dictionary<string, NuGetVersion> ResolveHostFrameworks()
    {
        var target = new NuGetVersion(HostTargetVersion.Major, Math.Max(HostTargetVersion.Minor, 0), 0);
        var resolved = new Dictionary<string, NuGetVersion>(StringComparer.Ordinal);
        foreach (var name in HostFrameworks)
        {
            var installed = InstalledVersions(name);
            var candidates = installed.Where(v => Satisfies(v, target, "Minor")).ToList();
            if (candidates.Count == 0)
            {
                var have = installed.Count == 0 ? "none" : string.Join(", ", installed.OrderBy(v => v).Select(v => v.ToNormalizedString()));
                throw new FunctionPackageException(DiagnosticCodes.RuntimeFrameworkMissing, DiagnosticMessages.Format("FPKG5105", name, target.Major, target.Minor, DotnetRoot, have, target.Major, target.Minor, (name == "Microsoft.AspNetCore.App" ? " for ASP.NET Core" : "")));
            }
            var lowestMinor = candidates.Min(v => v.Minor);
            resolved[name] = candidates.Where(v => v.Minor == lowestMinor).Max()!;
        }
        return resolved;
    }

    private static NuGetVersion ParseVersion(FrameworkDefinition framework)
        => NuGetVersion.TryParse(framework.Version, out var version)
            ? version
            : throw new FunctionPackageException(DiagnosticCodes.ManifestInvalid, DiagnosticMessages.Format("FPKG5003_8", framework.Name, framework.Version));

    private static Version OwnTargetVersion()
    {
        var name = typeof(RuntimeFrameworkChecker).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        return name is not null ? new FrameworkName(name).Version : new Version(Environment.Version.Major, 0);
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
