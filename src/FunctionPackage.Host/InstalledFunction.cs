using System.Reflection;
using FunctionPackage.Model;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host;

/// <summary>
/// An installed function (<c>fnpkg install</c> layout): <c>&lt;dir&gt;/function.json</c> and <c>&lt;dir&gt;/function/</c>
/// with the entry assembly and its deps.json; package dependencies live in a shared probing folder the host process
/// was started with. Loading it creates the load context and binds the entry point.
/// </summary>
public sealed class InstalledFunction : IDisposable
{
    private InstalledFunction(string directory, FunctionManifest manifest, FunctionLoadContext context, FunctionInvoker invoker)
    {
        Directory = directory;
        Manifest = manifest;
        LoadContext = context;
        Invoker = invoker;
        Source = new Uri($"/functions/{Uri.EscapeDataString(manifest.Id)}/{Uri.EscapeDataString(manifest.Version)}", UriKind.Relative);
    }

    public string Directory { get; }
    public FunctionManifest Manifest { get; }
    public FunctionLoadContext LoadContext { get; }
    public FunctionInvoker Invoker { get; }

    /// <summary>The <c>source</c> of every event the host emits for this function: <c>/functions/&lt;id&gt;/&lt;version&gt;</c>.</summary>
    public Uri Source { get; }

    /// <summary>
    /// Loads the function. <paramref name="enterFunctionFolder"/>: the host process runs this one function, so make
    /// <c>function/</c> its <c>AppContext.BaseDirectory</c> and current directory before any of its code runs, and load
    /// it into a context that is not collectible: such a process ends rather than unloads it, and the runtime neither
    /// tiers code in a collectible context nor uses its ReadyToRun code (dotnet/coreclr#16437), so every method the
    /// function and its packages run first would be JIT-compiled fully optimized at start-up.
    /// <paramref name="packagesFolder"/>: the install's packages folder, when the process was not started with it as a
    /// probing path (<c>--packages</c>; <see cref="InstalledAssetResolver"/>); null: the process's probing paths.
    /// </summary>
    /// <exception cref="FunctionHostException">The folder is not an installed function, or its entry point cannot be bound.</exception>
    public static InstalledFunction Load(string directory, ILogger logger, bool enterFunctionFolder = false, string? packagesFolder = null)
    {
        directory = Path.GetFullPath(directory);
        var manifest = ReadManifest(directory);
        CheckRuntime(manifest, logger);

        var functionFolder = Path.Combine(directory, FunctionPackageFormat.FunctionFolder.TrimEnd('/'));
        var entryPath = Path.GetFullPath(Path.Combine(functionFolder, manifest.EntryPoint.Assembly));
        if (!entryPath.StartsWith(functionFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(entryPath))
        {
            throw HostDiagnostics.Error(HostErrorCodes.EntryAssemblyMissing, manifest.EntryPoint.Assembly, FunctionPackageFormat.ManifestFileName, functionFolder);
        }
        var depsPath = Path.ChangeExtension(entryPath, ".deps.json");
        if (packagesFolder is null && !File.Exists(depsPath))
        {
            logger.LogWarning("{DepsFile} is missing beside the entry assembly: package dependencies will not resolve.", Path.GetFileName(depsPath));
        }

        if (enterFunctionFolder) EnterFunctionFolder(functionFolder);
        var collectible = !enterFunctionFolder;
        var context = packagesFolder is null
            ? new FunctionLoadContext(entryPath, collectible)
            : new FunctionLoadContext(entryPath, new InstalledAssetResolver(manifest, functionFolder, Path.GetFullPath(packagesFolder)), collectible);
        try
        {
            Assembly assembly;
            try
            {
                assembly = context.LoadEntryAssembly();
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException)
            {
                throw HostDiagnostics.Error(ex, HostErrorCodes.EntryAssemblyLoadFailed, entryPath, ex.Message, manifest.Runtime.Tfm);
            }
            var invoker = FunctionInvoker.Create(assembly, manifest.EntryPoint.Type, manifest.EntryPoint.Method, manifest.EntryPoint.Shape);
            logger.LogInformation("Loaded function {Id} {Version}: {EntryPoint} ({Shape}) from {Directory}",
                manifest.Id, manifest.Version, manifest.EntryPoint.Reference, invoker.Shape, directory);
            return new InstalledFunction(directory, manifest, context, invoker);
        }
        catch
        {
            Unload(context);
            throw;
        }
    }

    /// <summary>
    /// A function finds the files published beside it through <c>AppContext.BaseDirectory</c> or relative paths, as it
    /// would in its own publish folder; by default both would be the host's. The runtime reads the base directory from
    /// this AppContext switch on every call, so setting it before the function's assembly loads covers its static
    /// initializers too. The host's own lookups are unaffected: its paths are absolute and its content root was taken
    /// before this runs.
    /// </summary>
    private static void EnterFunctionFolder(string functionFolder)
    {
        AppContext.SetData("APP_CONTEXT_BASE_DIRECTORY", functionFolder + Path.DirectorySeparatorChar);
        System.IO.Directory.SetCurrentDirectory(functionFolder);
    }

    private static FunctionManifest ReadManifest(string directory)
    {
        var manifestPath = Path.Combine(directory, FunctionPackageFormat.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw HostDiagnostics.Error(HostErrorCodes.FunctionNotInstalled, manifestPath);
        }
        FunctionManifest manifest;
        try
        {
            manifest = FunctionManifestSerializer.Deserialize(File.ReadAllBytes(manifestPath));
        }
        catch (FormatException ex)
        {
            throw HostDiagnostics.Error(ex, HostErrorCodes.ManifestInvalid, manifestPath, ex.Message);
        }
        if (manifest.SchemaVersion != FunctionPackageFormat.SchemaVersion || manifest.Profile != FunctionPackageFormat.DotNetProfile)
        {
            throw HostDiagnostics.Error(HostErrorCodes.ManifestInvalid + ".Schema",
                manifestPath, manifest.SchemaVersion, manifest.Profile, FunctionPackageFormat.SchemaVersion, FunctionPackageFormat.DotNetProfile);
        }
        if (string.IsNullOrEmpty(manifest.Id) || string.IsNullOrEmpty(manifest.Version)
            || string.IsNullOrEmpty(manifest.EntryPoint.Assembly) || string.IsNullOrEmpty(manifest.EntryPoint.Type) || string.IsNullOrEmpty(manifest.EntryPoint.Method))
        {
            throw HostDiagnostics.Error(HostErrorCodes.ManifestInvalid + ".Incomplete", manifestPath);
        }
        return manifest;
    }

    /// <summary>The host runs every function on its own runtime: refuse what it cannot provide rather than fail mid-request.</summary>
    private static void CheckRuntime(FunctionManifest manifest, ILogger logger)
    {
        if (manifest.Runtime.SelfContained)
        {
            throw HostDiagnostics.Error(HostErrorCodes.FrameworkNotSupported);
        }
        var hostVersion = new Version(Environment.Version.Major, Environment.Version.Minor);
        foreach (var framework in manifest.Runtime.Frameworks)
        {
            var known = framework.Name is "Microsoft.NETCore.App" or "Microsoft.AspNetCore.App";
            if (!known)
            {
                throw HostDiagnostics.Error(HostErrorCodes.FrameworkNotSupported + ".Framework", framework.Name);
            }
            if (Version.TryParse(framework.Version, out var needed) && new Version(needed.Major, needed.Minor) > hostVersion)
            {
                throw HostDiagnostics.Error(HostErrorCodes.FrameworkNotSupported + ".Version", framework.Name, framework.Version, Environment.Version, hostVersion);
            }
        }
        if (manifest.Runtime.Rid is { Length: > 0 } rid && !string.Equals(rid, System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("The function was published for {Rid}; this host runs on {HostRid}. Native assets may not load.",
                rid, System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier);
        }
    }

    public void Dispose()
    {
        Invoker.Dispose();
        Unload(LoadContext);
    }

    /// <summary>A context that is not collectible stays until the process ends (its Unload throws).</summary>
    private static void Unload(FunctionLoadContext context)
    {
        if (context.IsCollectible) context.Unload();
    }
}
