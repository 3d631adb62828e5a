using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Cli.Tests.Signing;

/// <summary>The real <c>dotnet nuget sign</c>: an author signature, no timestamp (no RFC 3161 server here).</summary>
public static class NuGetSign
{
    /// <summary>Signs copies of <paramref name="packages"/> into <paramref name="outputFolder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Sign(SigningCertificate certificate, string outputFolder, params string[] packages)
    {
        Directory.CreateDirectory(outputFolder);
        // The test roots are in no root store: --allow-untrusted-root lets the SDK sign with them (a warning, NU3018).
        var args = new List<string> { "nuget", "sign" };
        args.AddRange(packages);
        args.AddRange(new[] { "--certificate-path", certificate.PfxPath, "--certificate-password", certificate.Password,
            "--allow-untrusted-root", "--output", outputFolder, "--overwrite" });
        var run = DotNetCli.Run(args, outputFolder, TimeSpan.FromMinutes(2), new Dictionary<string, string?> { ["HOME"] = certificate.SignerHome, ["DOTNET_CLI_HOME"] = certificate.SignerHome });
        Assert.True(run.Succeeded, run.GetConsoleLog());
        return packages.Select(p => Path.Combine(outputFolder, Path.GetFileName(p))).ToList();
    }
}
