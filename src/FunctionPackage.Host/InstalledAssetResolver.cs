using System.Reflection;
using System.Runtime.InteropServices;
using FunctionPackage.Model;

namespace FunctionPackage.Host;

/// <summary>
/// Finds a function's assemblies and native libraries in the install's layout itself, for a process that was not
/// started with <c>--additionalprobingpath &lt;root&gt;/packages</c> (fnpkg run/invoke in fnpkg's own process, host
/// option <c>--packages</c>): package assets from <c>function.json</c>'s <c>dependencies[].assets</c> at
/// <c>&lt;packages&gt;/&lt;path&gt;/&lt;pathInPackage&gt;</c> — the same records the install verified and
/// <c>--materialize</c> copies — and everything else from <c>function/</c>, where <c>dotnet publish</c> put it.
/// Of a package's RID-specific assets the one for the nearest RID wins (portable RID fallback: linux-x64, linux,
/// unix, any, then RID-less), as the runtime's own resolver picks them from deps.json.
/// </summary>
internal sealed class InstalledAssetResolver
{
    private readonly string _functionFolder;
    private readonly Dictionary<string, string> _assets = new(StringComparer.OrdinalIgnoreCase);

    public InstalledAssetResolver(FunctionManifest manifest, string functionFolder, string packagesFolder)
    {
        _functionFolder = functionFolder;
        var rids = RidFallback(RuntimeInformation.RuntimeIdentifier);
        var ranks = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var dependency in manifest.Dependencies)
        {
            foreach (var asset in dependency.Assets)
            {
                var rank = asset.Rid is { Length: > 0 } rid ? rids.IndexOf(rid) : rids.Count;
                if (rank < 0 || Key(asset) is not { } key) continue;
                if (ranks.TryGetValue(key, out var best) && best <= rank) continue;
                ranks[key] = rank;
                _assets[key] = Path.Combine(packagesFolder, dependency.Path, asset.PathInPackage.Replace('/', Path.DirectorySeparatorChar));
            }
        }
    }

    public string? ResolveAssemblyToPath(AssemblyName name)
    {
        if (name.Name is null) return null;
        var culture = string.IsNullOrEmpty(name.CultureName) ? null : name.CultureName;
        var key = culture is null ? "runtime:" + name.Name : $"resources:{culture}/{name.Name}";
        if (_assets.TryGetValue(key, out var path)) return path;
        var local = culture is null ? Path.Combine(_functionFolder, name.Name + ".dll") : Path.Combine(_functionFolder, culture, name.Name + ".dll");
        return File.Exists(local) ? local : null;
    }

    public string? ResolveUnmanagedDllToPath(string name)
    {
        foreach (var candidate in NativeFileNames(name))
        {
            if (_assets.TryGetValue("native:" + candidate, out var path)) return path;
            var local = Path.Combine(_functionFolder, candidate);
            if (File.Exists(local)) return local;
        }
        return null;
    }

    private static string? Key(AssetDefinition asset)
    {
        var file = asset.PathInPackage[(asset.PathInPackage.LastIndexOf('/') + 1)..];
        return asset.AssetType switch
        {
            "runtime" => "runtime:" + Path.GetFileNameWithoutExtension(file),
            "resources" when asset.Culture is { Length: > 0 } culture => $"resources:{culture}/{Path.GetFileNameWithoutExtension(file)}",
            "native" => "native:" + file,
            _ => null,
        };
    }

    /// <summary><c>linux-musl-x64</c> → linux-musl-x64, linux-musl, linux, unix, any; <c>win-x64</c> → win-x64, win, any (the portable RID graph's shape).</summary>
    internal static List<string> RidFallback(string rid)
    {
        var result = new List<string> { rid };
        var os = rid.LastIndexOf('-') is var dash and > 0 ? rid[..dash] : rid;
        while (true)
        {
            if (!result.Contains(os, StringComparer.OrdinalIgnoreCase)) result.Add(os);
            if (os.LastIndexOf('-') is not (var cut and > 0)) break;
            os = os[..cut];
        }
        if (!rid.StartsWith("win", StringComparison.OrdinalIgnoreCase)) result.Add("unix");
        result.Add("any");
        return result;
    }

    /// <summary>The file names the runtime tries for a <c>[DllImport]</c> name: as given, with the platform's prefix and suffix.</summary>
    private static IEnumerable<string> NativeFileNames(string name)
    {
        var suffix = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        var hasSuffix = name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        if (!hasSuffix) yield return name + suffix;
        if (!OperatingSystem.IsWindows() && !name.StartsWith("lib", StringComparison.Ordinal) && !name.Contains('/'))
        {
            if (!hasSuffix) yield return "lib" + name + suffix;
            yield return "lib" + name;
        }
        yield return name;
    }
}
