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
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // The framework folders and the CloudEvents SDK's folder are listed, not taken from the trusted-platform list:
        // in fnpkg's own process (fnpkg run/invoke) ASP.NET Core and the host's dependencies are loaded from their
        // folders, not from that list.
        var frameworkDirectories = new[]
        {
            Path.GetDirectoryName(typeof(object).Assembly.Location),
            Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location),
        }.Where(d => !string.IsNullOrEmpty(d)).Distinct(StringComparer.Ordinal);
        foreach (var directory in frameworkDirectories)
        {
            foreach (var path in Directory.EnumerateFiles(directory!, "*.dll")) result[Path.GetFileNameWithoutExtension(path)] = path;
        }
        if (Path.GetDirectoryName(typeof(CloudNative.CloudEvents.CloudEvent).Assembly.Location) is { Length: > 0 } cloudEvents)
        {
            foreach (var path in Directory.EnumerateFiles(cloudEvents, "CloudNative.CloudEvents*.dll"))
            {
                if (IsCloudEventsSdk(Path.GetFileNameWithoutExtension(path))) result[Path.GetFileNameWithoutExtension(path)] = path;
            }
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
