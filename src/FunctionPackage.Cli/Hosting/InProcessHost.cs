using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

namespace FunctionPackage.Cli.Hosting;

/// <summary>
/// Runs the host (<c>host/FunctionPackage.Host.dll</c>) inside fnpkg's own process, so <c>fnpkg run</c>/<c>invoke</c>
/// start one runtime, not two (docs/cli.md "In fnpkg's process or a child process"). fnpkg's runtimeconfig names only
/// Microsoft.NETCore.App — every other command runs without ASP.NET Core — so the host and the ASP.NET Core shared
/// framework are loaded into the default context only here: the host's own dependencies through an
/// <see cref="AssemblyDependencyResolver"/> on its deps.json, ASP.NET Core from the Microsoft.AspNetCore.App folder
/// beside the running Microsoft.NETCore.App (the version the host would get started on its own: same major.minor,
/// highest patch not above the runtime's). The host is told the packages folder (<c>--packages</c>) because this
/// process has no <c>--additionalprobingpath</c>.
/// </summary>
internal static class InProcessHost
{
    private const string AspNetCoreFramework = "Microsoft.AspNetCore.App";
    private const string NetCoreFramework = "Microsoft.NETCore.App";
    private static int _loaded;

    /// <summary>
    /// The Microsoft.AspNetCore.App folder to load the host with, or null with why the host must run as its own process:
    /// no ASP.NET Core for this runtime's major.minor, or a host built for another runtime than the one fnpkg runs on.
    /// </summary>
    public static string? FindAspNetCore(string hostAssemblyPath, out string? reason)
    {
        var runtime = Environment.Version;
        if (HostFrameworkMismatch(hostAssemblyPath, runtime) is { } mismatch)
        {
            reason = mismatch;
            return null;
        }
        // CoreLib is in <dotnet>/shared/Microsoft.NETCore.App/<version>/.
        var netCoreDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var shared = netCoreDirectory is null ? null : Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(netCoreDirectory)));
        var aspNetCore = shared is null ? null : Path.Combine(shared, AspNetCoreFramework);
        string? best = null;
        Version? bestVersion = null;
        if (aspNetCore is not null && Directory.Exists(aspNetCore))
        {
            foreach (var directory in Directory.EnumerateDirectories(aspNetCore))
            {
                if (!Version.TryParse(Path.GetFileName(directory), out var version)) continue; // previews: not what a release host rolls to
                if (version.Major != runtime.Major || version.Minor != runtime.Minor || version > runtime) continue;
                if (bestVersion is null || version > bestVersion) (best, bestVersion) = (directory, version);
            }
        }
        reason = best is null ? $"no {AspNetCoreFramework} {runtime.Major}.{runtime.Minor} (at most {runtime}) beside this runtime in {shared}" : null;
        return best;
    }

    /// <summary>Null when the host's runtimeconfig.json asks for nothing but this runtime's frameworks at this major.minor.</summary>
    private static string? HostFrameworkMismatch(string hostAssemblyPath, Version runtime)
    {
        var config = Path.ChangeExtension(hostAssemblyPath, ".runtimeconfig.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(config));
            var options = document.RootElement.GetProperty("runtimeOptions");
            var frameworks = options.TryGetProperty("frameworks", out var list) ? list.EnumerateArray().ToList()
                : options.TryGetProperty("framework", out var one) ? new List<JsonElement> { one } : new List<JsonElement>();
            foreach (var framework in frameworks)
            {
                var name = framework.GetProperty("name").GetString();
                var known = name is NetCoreFramework or AspNetCoreFramework;
                if (!known || !Version.TryParse(framework.GetProperty("version").GetString(), out var version)
                    || version.Major != runtime.Major || version.Minor != runtime.Minor)
                {
                    return $"the host ({config}) asks for {name} {framework.GetProperty("version").GetString()}; fnpkg runs on {NetCoreFramework} {runtime}";
                }
            }
            return frameworks.Count == 0 ? $"{config} names no framework" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{config} is not readable: {ex.Message}";
        }
    }

    /// <summary>
    /// The host's command line (<c>serve|invoke --function … --packages …</c>) run to its exit code. The current directory
    /// and <c>AppContext.BaseDirectory</c>, which the host gives the function, are fnpkg's again afterwards.
    /// </summary>
    public static async Task<int> RunAsync(string hostAssemblyPath, string aspNetCoreDirectory, string[] args, CancellationToken cancellationToken)
    {
        // One host per process (fnpkg runs one command); a second load would add a second Resolving handler.
        if (Interlocked.Exchange(ref _loaded, 1) != 0) throw new InvalidOperationException("The host is already loaded in this process.");
        var hostResolver = new AssemblyDependencyResolver(hostAssemblyPath);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var path = hostResolver.ResolveAssemblyToPath(name);
            if (path is null && name.Name is { } simpleName)
            {
                var framework = Path.Combine(aspNetCoreDirectory, simpleName + ".dll");
                if (File.Exists(framework)) path = framework;
            }
            return path is null ? null : context.LoadFromAssemblyPath(path);
        };
        var host = AssemblyLoadContext.Default.LoadFromAssemblyPath(hostAssemblyPath);
        var run = host.GetType("FunctionPackage.Host.HostCommandLine", throwOnError: true)!
            .GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string[]), typeof(CancellationToken) })!
            .CreateDelegate<Func<string[], CancellationToken, Task<int>>>();

        var currentDirectory = Environment.CurrentDirectory;
        var baseDirectory = AppContext.GetData("APP_CONTEXT_BASE_DIRECTORY");
        try
        {
            return await run(args, cancellationToken);
        }
        finally
        {
            AppContext.SetData("APP_CONTEXT_BASE_DIRECTORY", baseDirectory);
            if (Directory.Exists(currentDirectory)) Environment.CurrentDirectory = currentDirectory;
        }
    }
}
