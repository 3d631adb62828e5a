using System.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Testing;

namespace FunctionPackage.Exporting.Tests.Lambda;

internal static class LambdaTestPaths
{
    /// <summary>fnpkg's host folder in the CLI's build output (the files every export target ships).</summary>
    public static string HostDirectory
    {
        get
        {
            var cliOutput = Path.GetDirectoryName(typeof(HostLauncher).Assembly.Location)!;
            var host = Path.GetFullPath(Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Cli", "bin", new DirectoryInfo(cliOutput).Parent!.Name, "net10.0", "host"));
            Assert.True(File.Exists(Path.Combine(host, HostLauncher.HostAssemblyName)), $"{host} has no host: build src/FunctionPackage.Cli in this configuration.");
            return host;
        }
    }

    /// <summary>
    /// Runtime packs kept across runs (like the host tests' publish cache): each use re-checks the pinned hash, so a
    /// stale or tampered folder is fetched again. The first run on a machine downloads them from the NuGet.config feed.
    /// </summary>
    public static string RuntimePackCache => Path.Combine(Path.GetTempPath(), "fpkg-tests", "runtime-packs-cache");

    /// <summary>A process's exit code and its whole output, or a failure after <paramref name="timeout"/> (killed).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not exit within {timeout.TotalSeconds} s\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>An environment with no .NET on it: PATH without dotnet, no DOTNET_* variables.</summary>
    public static void ClearDotnet(ProcessStartInfo start)
    {
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("COREHOST", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["PATH"] = "/nonexistent-dotnet-free-path";
        start.Environment["DOTNET_ROOT"] = "/nonexistent-dotnet-root";
    }
}
