using System.Diagnostics;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

/// <summary>
/// Runs the independent validator — CycloneDX's own library against the official CycloneDX 1.6 JSON schema
/// (build/validate-sbom.js, installed by build/sbom-validator.sh) — on an SBOM. A missing node or validator fails the
/// test with the command that installs it; it is never skipped.
/// </summary>
public static class SbomValidator
{
    public static void AssertValid(byte[] sbom, string workDirectory)
    {
        var path = Path.Combine(workDirectory, "sbom-under-test.cdx.json");
        Directory.CreateDirectory(workDirectory);
        File.WriteAllBytes(path, sbom);
        var (exitCode, output) = Run(path);
        Assert.True(exitCode == 0, $"node build/validate-sbom.js exited with {exitCode}:\n{output}\nSBOM:\n{System.Text.Encoding.UTF8.GetString(sbom)}");
    }

    /// <summary>Exit code and output of <c>node build/validate-sbom.js &lt;path&gt;</c>.</summary>
    public static (int ExitCode, string Output) Run(string path)
    {
        var script = Path.Combine(RepoPaths.Root, "build", "validate-sbom.js");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(path);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"node is not installed ({ex.Message}): run build/sbom-validator.sh (it installs nodejs, npm and the validator).", ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out after 60 s");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
