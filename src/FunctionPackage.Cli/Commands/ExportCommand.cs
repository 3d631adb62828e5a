using System.CommandLine;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Exporting;
using FunctionPackage.Exporting.Targets.Oci;
using FunctionPackage.Installing.Installation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands;

/// <summary>The exit codes of the exporter's codes (docs/export.md has the same table); the install's codes keep theirs (<see cref="ExitCodeTable"/>).</summary>
public static class ExportExitCodes
{
    /// <summary>Any FPKG6xxx: the registry refused, failed or could not be reached, or the image could not be read or written.</summary>
    public const int Registry = ExitCodes.NotFound;

    private static readonly Dictionary<string, int> ByCode = new(StringComparer.Ordinal)
    {
        [ExportErrors.UnknownTarget] = ExitCodes.Usage,
        [ExportErrors.NoDestination] = ExitCodes.Usage,
        [ExportErrors.InvalidEnvironment] = ExitCodes.Usage,
        [ExportErrors.InvalidPlatform] = ExitCodes.Usage,
        [ExportErrors.PlatformMismatch] = ExitCodes.RuntimeMissing,
        [ExportErrors.BaseImageLacksFramework] = ExitCodes.RuntimeMissing,
    };

    public static IReadOnlyDictionary<string, int> All => ByCode;

    public static int? For(string code) => ByCode.TryGetValue(code, out var exitCode) ? exitCode : null;
}

public sealed partial class CliApplication
{
    /// <summary>Export targets; Lambda, Azure Functions and OpenWhisk join here (issue 9), each a folder under src/FunctionPackage.Exporting/Targets.</summary>
    private static readonly string[] ExportTargets = { "oci" };

    private Command CreateExport()
    {
        var package = PackageArgument("A function package file (.nupkg) or id@version, verified and installed (into a temporary root) exactly as install does.");
        var target = new Option<string>("--target") { Description = "What to export to: oci (an OCI image for Knative, Cloud Run or any OCI runtime).", Required = true };
        var image = new Option<string?>("--image") { Description = "Push the image to registry/repository[:tag] (tag default: the package version)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the image as an OCI image layout tar to this file instead of pushing it." };
        var serviceManifest = new Option<string?>("--service-manifest") { Description = "Where to write the Knative Service pinned by digest (default: service.yaml beside --output, else in the current folder)." };
        var baseImage = new Option<string?>("--base-image") { Description = $"The image to build on (default: {OciExporter.DefaultBaseImage}). It must have the host's .NET runtime and ASP.NET Core." };
        var platform = new Option<string>("--platform") { Description = "The image's os/architecture[/variant], chosen from the base image's index.", DefaultValueFactory = _ => "linux/amd64" };
        var insecure = new Option<string[]>("--insecure-registry") { Description = "A registry (host:port) to reach over plain HTTP. Repeatable; every other registry is HTTPS only.", AllowMultipleArgumentsPerToken = false };
        var sources = SourceOption();
        var command = new Command("export", "Verify and install a function package, then export it for another platform: an OCI image (pushed or written as a tar) and a Knative Service pinned by digest.")
        {
            package, target, image, output, serviceManifest, baseImage, platform, insecure, sources,
        };
        var runtimeOptions = new RuntimeOptions();
        runtimeOptions.AddTo(command);
        var timeouts = new TimeoutOptions();
        timeouts.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            var targetName = parse.GetValue(target)!;
            if (!ExportTargets.Contains(targetName, StringComparer.Ordinal)) throw ExportErrors.Unknown(targetName, ExportTargets);
            var request = new OciExportRequest
            {
                Install = timeouts.Apply(new InstallRequest
                {
                    Package = parse.GetValue(package)!,
                    Root = "(temporary)", // the exporter installs into a temp root of its own
                    Sources = parse.GetValue(sources) ?? Array.Empty<string>(),
                }, parse),
                HostDirectory = Path.GetDirectoryName(new HostLauncher().HostAssemblyPath)!,
                Image = parse.GetValue(image),
                Output = parse.GetValue(output),
                ServiceManifest = parse.GetValue(serviceManifest),
                BaseImage = parse.GetValue(baseImage),
                Platform = parse.GetValue(platform)!,
                InsecureRegistries = new HashSet<string>(parse.GetValue(insecure) ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase),
                Runtime = runtimeOptions.Read(parse),
            };
            var result = await new OciExporter(_loggerFactory.CreateLogger<OciExporter>()).ExportAsync(request, cancellationToken);
            _output.Write($"{result.Digest}\n");
            _output.Write($"image: {result.PinnedImage}\n");
            if (result.OutputPath is not null) _output.Write($"layout: {result.OutputPath}\n");
            _output.Write($"service manifest: {result.ServiceManifestPath}\n");
            _output.Write($"deploy (Knative): kubectl apply -f {result.ServiceManifestPath}\n");
            _output.Write($"deploy (Cloud Run): gcloud run deploy {result.ServiceName} --image {result.PinnedImage} --port {OciExporter.Port}\n");
            return ExitCodes.Success;
        }));
        return command;
    }
}
