using System.CommandLine;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Sources.OciRegistry;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Oci.Registry;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands;

/// <summary>
/// <c>fnpkg push &lt;package&gt; oci://registry/repository[:tag]</c>, and the <c>--insecure-registry</c> option every
/// command that reaches a registry shares. The logic is <see cref="OciPackagePusher"/>; this is only its wiring.
/// </summary>
internal static class PushCommand
{
    /// <summary><c>--insecure-registry host[:port]</c>: plain HTTP for that registry only (never a fallback from HTTPS).</summary>
    public static Option<string[]> InsecureRegistryOption() => new("--insecure-registry")
    {
        HelpName = "host[:port]",
        Description = "A registry to reach over plain HTTP (e.g. 127.0.0.1:5000); only the registries named. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Command Create(Func<Func<Task<int>>, Task<int>> guard, TextWriter output, Func<ILogger> logger)
    {
        var package = new Argument<string>("package") { Description = "The function package (.nupkg) to push; verified first, as install does." };
        var target = new Argument<string>("reference") { Description = "oci://registry/repository[:tag]; the tag defaults to the package's version." };
        var insecure = InsecureRegistryOption();
        var requestTimeout = new Option<double>("--request-timeout")
        {
            HelpName = "seconds",
            Description = "Seconds the registry may stay silent (before answering, or mid-transfer) before the push fails with FPKG5262.",
            DefaultValueFactory = _ => InstallRequest.DefaultRequestTimeout.TotalSeconds,
        };
        CliApplication.RequireRange(requestTimeout, seconds => seconds > 0 && seconds <= 86400, "--request-timeout must be a number of seconds above 0 and at most 86400 (a day).");
        var command = new Command("push",
            "Verify a function package, then store it unchanged in an OCI registry as an artifact (" + OciPackageArtifact.ArtifactType + "). " +
            "Prints the reference and the manifest digest; pushing the same package again uploads nothing.")
        {
            package, target, insecure, requestTimeout,
        };
        command.SetAction((parse, cancellationToken) => guard(async () =>
        {
            var reference = OciPackageArtifact.ParseReference(parse.GetValue(target)!);
            var path = Path.GetFullPath(parse.GetValue(package)!);
            var options = OciPackageArtifact.Options(parse.GetValue(insecure) ?? Array.Empty<string>(), TimeSpan.FromSeconds(parse.GetValue(requestTimeout)));
            var pusher = new OciPackagePusher(new PackageVerifier(), registry => new RegistryClient(registry, options));
            var result = await pusher.PushAsync(path, reference, cancellationToken);
            logger().LogInformation("{Message}", result.AlreadyPresent
                ? $"{result.Id} {result.Version} is already at {OciPackageArtifact.Scheme}{result.Reference}; nothing uploaded"
                : $"Pushed {result.Id} {result.Version} to {OciPackageArtifact.Scheme}{result.Reference} ({result.BytesUploaded} bytes uploaded)"
                  + (result.SbomDigest is null ? "" : $"; its SBOM is the referrer {result.SbomDigest}"));
            // stdout: the pinned reference, ready for `fnpkg install oci://…@sha256:…`.
            output.Write($"{OciPackageArtifact.Scheme}{result.Reference.Registry}/{result.Reference.Repository}:{result.Reference.Tag}@{result.Digest}\n");
            return Diagnostics.ExitCodes.Success;
        }));
        return command;
    }
}
