using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace FunctionPackage.Host;

/// <summary>
/// The function's own load context, collectible unless the process is the function's (<c>collectible: false</c>, see
/// <see cref="InstalledFunction.Load"/>). Assemblies resolve through an <see cref="AssemblyDependencyResolver"/>
/// on the entry assembly, which reads the function's deps.json and finds package assets — managed, satellite and
/// native — through the host process's probing paths (<c>dotnet exec --additionalprobingpath &lt;root&gt;/packages</c>),
/// or, in a process started without that probing path (<c>--packages</c>: fnpkg's own), through an
/// <see cref="InstalledAssetResolver"/> over the install's layout.
/// Assemblies whose types cross the host/function boundary are deferred to the default context so there is one copy.
/// </summary>
public sealed class FunctionLoadContext : AssemblyLoadContext
{
    private readonly Func<AssemblyName, string?> _resolveAssembly;
    private readonly Func<string, string?> _resolveUnmanagedDll;

    public FunctionLoadContext(string entryAssemblyPath, bool collectible = true)
        : base($"Function:{Path.GetFileNameWithoutExtension(entryAssemblyPath)}", collectible)
    {
        EntryAssemblyPath = Path.GetFullPath(entryAssemblyPath);
        var resolver = new AssemblyDependencyResolver(EntryAssemblyPath);
        _resolveAssembly = resolver.ResolveAssemblyToPath;
        _resolveUnmanagedDll = resolver.ResolveUnmanagedDllToPath;
    }

    internal FunctionLoadContext(string entryAssemblyPath, InstalledAssetResolver resolver, bool collectible = true)
        : base($"Function:{Path.GetFileNameWithoutExtension(entryAssemblyPath)}", collectible)
    {
        EntryAssemblyPath = Path.GetFullPath(entryAssemblyPath);
        _resolveAssembly = resolver.ResolveAssemblyToPath;
        _resolveUnmanagedDll = resolver.ResolveUnmanagedDllToPath;
    }

    public string EntryAssemblyPath { get; }

    public Assembly LoadEntryAssembly() => LoadFromAssemblyPath(EntryAssemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // null = let the default context load it: one copy of CloudEvent, JsonElement, Task, ILogger...
        if (SharedAssemblies.IsShared(assemblyName)) return null;
        var path = _resolveAssembly(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolveUnmanagedDll(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}

/// <summary>
/// Which assemblies a function shares with the host: the shared frameworks the host runs on
/// (Microsoft.NETCore.App, Microsoft.AspNetCore.App) and the CloudEvents SDK the host binds with.
/// A function that asks for a <em>higher</em> version than the host has keeps its own copy.
/// </summary>
internal static class SharedAssemblies
{
    private static readonly Dictionary<string, string> HostAssemblies = FindHostAssemblies();
    private static readonly ConcurrentDictionary<string, Version?> Versions = new(StringComparer.OrdinalIgnoreCase);

    public static bool IsShared(AssemblyName name)
    {
        if (name.Name is null || !HostAssemblies.TryGetValue(name.Name, out var path)) return false;
        if (name.Version is null) return true;
        var hostVersion = Versions.GetOrAdd(name.Name, simpleName => TryGetVersion(simpleName, path));
        return hostVersion is null || hostVersion >= name.Version;
    }

    private static Dictionary<string, string> FindHostAssemblies()
    {
        var trusted = TrustedPlatformAssemblies();
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        AddFolder(result, trusted, "System.Private.CoreLib", () => typeof(object).Assembly.Location, _ => true);
        AddFolder(result, trusted, "Microsoft.AspNetCore.Http.Abstractions", () => typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location, _ => true);
        AddFolder(result, trusted, "CloudNative.CloudEvents", () => typeof(CloudNative.CloudEvents.CloudEvent).Assembly.Location, IsCloudEventsSdk);
        return result;
    }

    /// <summary>
    /// Adds the assemblies of the folder that <paramref name="anchor"/> is loaded from. When the anchor is on the
    /// trusted-platform list (the host's own process: the list names every framework assembly and the host's
    /// dependencies), the default context loads it from there, so the list's entries in that folder are the folder's
    /// assemblies: no folder listing, and the anchor is not loaded. Otherwise (fnpkg's own process, where ASP.NET Core
    /// and the host's dependencies are loaded from their folders by a resolver) the folder the anchor is loaded from is
    /// listed.
    /// </summary>
    private static void AddFolder(
        Dictionary<string, string> result, Dictionary<string, string> trusted, string anchor, Func<string> loadedLocation, Func<string, bool> include)
    {
        if (trusted.TryGetValue(anchor, out var anchorPath))
        {
            var folder = Path.GetDirectoryName(anchorPath);
            foreach (var (name, path) in trusted)
            {
                if (include(name) && string.Equals(Path.GetDirectoryName(path), folder, StringComparison.Ordinal)) result[name] = path;
            }
            return;
        }
        if (Path.GetDirectoryName(loadedLocation()) is not { Length: > 0 } directory) return;
        foreach (var path in Directory.EnumerateFiles(directory, "*.dll"))
        {
            if (include(Path.GetFileNameWithoutExtension(path))) result[Path.GetFileNameWithoutExtension(path)] = path;
        }
    }

    private static Dictionary<string, string> TrustedPlatformAssemblies()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string list) return result;
        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) result.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }
        return result;
    }

    private static bool IsCloudEventsSdk(string name)
        => name.Equals("CloudNative.CloudEvents", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("CloudNative.CloudEvents.", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The version of the host's copy: the one the default context loads, which is what a shared assembly resolves to
    /// anyway. Loaded by name, its version comes from the runtime's own image; reading the file instead
    /// (<see cref="AssemblyName.GetAssemblyName"/>) would load System.Reflection.Metadata into every start.
    /// </summary>
    private static Version? TryGetVersion(string simpleName, string path)
    {
        try { return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(simpleName)).GetName().Version; }
        catch (Exception ex) when (ex is IOException or BadImageFormatException) { }
        try { return AssemblyName.GetAssemblyName(path).Version; }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException) { return null; }
    }
}
