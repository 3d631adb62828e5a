using System.Globalization;
using FunctionPackage.Exporting.Targets.Oci;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Shared;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Exporting.Runtime;

/// <summary>What every image target (oci, openwhisk) asks of <see cref="FunctionImageExporter"/>.</summary>
public sealed record FunctionImageRequest
{
    public required InstallRequest Install { get; init; }
    /// <summary>The folder holding the function host (FunctionPackage.Host.dll and its files): the image's host layer.</summary>
    public required string HostDirectory { get; init; }
    /// <summary>Push to this <c>registry/repository[:tag]</c> (tag default: the package version)…</summary>
    public string? Image { get; init; }
    /// <summary>…or write an OCI image layout tar here (relative to the install's working directory).</summary>
    public string? Output { get; init; }
    public string? BaseImage { get; init; }
    public string Platform { get; init; } = "linux/amd64";
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    public RuntimeConfiguration Runtime { get; init; } = new();
    /// <summary><c>serve</c> arguments of the target, after <c>--function</c> (e.g. <c>--protocol openwhisk</c>).</summary>
    public IReadOnlyList<string> ServeArguments { get; init; } = Array.Empty<string>();
    /// <summary>Host limits the target sets when the user gives none (e.g. a body limit above the host's 1 MiB).</summary>
    public RuntimeConfiguration TargetDefaults { get; init; } = new();
    public string TempFolder { get; init; } = Path.GetTempPath();
    /// <summary>The <see cref="ExportCache"/> folder; null: <see cref="ExportCache.DefaultFolder"/>.</summary>
    public string? CacheFolder { get; init; }
}

/// <summary>
/// What an image export made. <see cref="PushedImage"/>: <c>registry/repository@sha256:…</c> when pushed, else null
/// (then <see cref="OutputPath"/> is the layout tar).
/// </summary>
public sealed record FunctionImageResult(
    string Digest,
    string? PushedImage,
    string? OutputPath,
    string PackageId,
    string PackageVersion,
    long BytesUploaded,
    IReadOnlyList<string> LayerDigests,
    string FunctionLayerDigest);

/// <summary>
/// The image every image target builds: install the package into a temp root (the install library, judged against the
/// base image's platform and frameworks instead of this machine's), then three layers on the base — the host, the
/// shared packages folder, the function, host and packages as the image's RID needs them (<see cref="PlatformAssets"/>)
/// — so a code change re-pushes only the last one; push it or write an OCI
/// layout tar. Every check runs before anything is written or pushed; the layers, config and manifest are
/// reproducible (same package and options → same digest). A target adds its <c>serve</c> arguments and what it
/// writes besides (oci: a Knative Service).
/// </summary>
public sealed class FunctionImageExporter
{
    /// <summary>Where the image's install root is: <c>/fnpkg/packages</c>, <c>/fnpkg/functions/&lt;id&gt;/&lt;version&gt;</c>, and the host in <c>/fnpkg/host</c>.</summary>
    public const string ImageRoot = "fnpkg";
    public const string HostAssemblyName = "FunctionPackage.Host.dll";
    /// <summary>The port in the image's <c>PORT</c>: Knative's, Cloud Run's and OpenWhisk's.</summary>
    public const int Port = 8080;
    /// <summary>Microsoft's images' non-root <c>app</c> user; numeric, so Kubernetes' runAsNonRoot can check it.</summary>
    public const string User = "1654";

    public const string LabelPackageId = "dev.functionpackage.id";
    public const string LabelPackageVersion = "dev.functionpackage.version";
    public const string LabelManifestSha512 = "dev.functionpackage.manifest.sha512";

    private readonly ILogger _logger;

    public FunctionImageExporter(ILogger logger) => _logger = logger;

    /// <summary>
    /// The ASP.NET Core runtime image of the host's .NET major version: the host runs every function in its own
    /// process (a net8.0 function runs on the .NET 10 host), so the host's runtime is what the image must have.
    /// </summary>
    public static string DefaultBaseImage => $"mcr.microsoft.com/dotnet/aspnet:{new RuntimeFrameworkChecker(dotnetRoot: "").HostTargetVersion.Major}.0";

    /// <summary>FPKG7001 unless exactly one destination is given: the first check of every image target.</summary>
    public static void CheckDestination(string? image, string? output)
    {
        if ((image is null) == (output is null))
            throw ExportErrors.Destination(image is null ? "no destination" : "both --image and --output");
    }

    public async Task<FunctionImageResult> ExportAsync(FunctionImageRequest request, CancellationToken cancellationToken = default)
    {
        // Usage first: nothing is fetched for a request that cannot be carried out.
        CheckDestination(request.Image, request.Output);
        var platform = ParsePlatform(request.Platform);
        var rid = RidFor(platform, request.Platform);
        var target = request.Image is null ? null : ImageReference.Parse(request.Image);
        var baseReference = ImageReference.Parse(request.BaseImage ?? DefaultBaseImage);
        var output = request.Output is null ? null : Path.GetFullPath(request.Output, request.Install.WorkingDirectory);

        var work = Directory.CreateDirectory(Path.Combine(request.TempFolder, "fnpkg-export-" + Guid.NewGuid().ToString("N"))).FullName;
        var options = new RegistryOptions { InsecureRegistries = request.InsecureRegistries };
        var clients = new Dictionary<string, RegistryClient>(StringComparer.OrdinalIgnoreCase);
        RegistryClient ClientFor(string registry) => clients.TryGetValue(registry, out var client) ? client : clients[registry] = new RegistryClient(registry, options);
        try
        {
            // Where an export's time goes, for --verbosity detailed (docs/benchmarks.md "export" levers).
            var phase = System.Diagnostics.Stopwatch.StartNew();
            var blobs = new BlobResolver(Path.Combine(work, "base-blobs"), ClientFor);
            var baseImage = await ImageBuilder.PullBaseAsync(ClientFor(baseReference.Registry), baseReference, platform, cancellationToken).ConfigureAwait(false);
            var frameworks = await BaseImageFrameworks.ReadAsync(baseImage, blobs, new ExportCache(request.CacheFolder ?? ExportCache.DefaultFolder), cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Base image {Image} ({Platform}): {Frameworks}", baseReference, platform, BaseImageFrameworks.Describe(frameworks));
            _logger.LogDebug("Base image and its frameworks: {Ms} ms", phase.ElapsedMilliseconds);
            phase.Restart();

            var installed = await InstallAsync(request, rid, platform, baseReference, frameworks, Path.Combine(work, "root"), cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Install into the temp root: {Ms} ms", phase.ElapsedMilliseconds);
            phase.Restart();
            var image = BuildImage(request, rid, baseImage, baseReference, installed, Path.Combine(work, "layers"));
            _logger.LogDebug("Layers, config and manifest: {Ms} ms", phase.ElapsedMilliseconds);
            phase.Restart();
            _logger.LogInformation("Image {Digest}: {Count} layer(s), function layer {Layer}", image.Image.Digest, image.Image.Layers.Count, image.FunctionLayer);

            long uploaded = 0;
            string? pushed = null;
            if (target is not null)
            {
                var tag = target.Tag ?? installed.Version.ToLowerInvariant();
                var push = await ImagePusher.PushAsync(image.Image, ClientFor(target.Registry), target.Repository, tag, blobs, cancellationToken).ConfigureAwait(false);
                uploaded = push.BytesUploaded;
                pushed = $"{target.Registry}/{target.Repository}@{image.Image.Digest}";
                _logger.LogInformation("Pushed {Image}:{Tag} ({Bytes} bytes uploaded, {Skipped} blob(s) already there, {Mounted} mounted)", $"{target.Registry}/{target.Repository}", tag, push.BytesUploaded, push.BlobsSkipped, push.BlobsMounted);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                await OciLayoutWriter.WriteAsync(image.Image, output!, installed.Version.ToLowerInvariant(), blobs, cancellationToken).ConfigureAwait(false);
            }
            _logger.LogDebug("Push or layout tar: {Ms} ms", phase.ElapsedMilliseconds);
            return new FunctionImageResult(image.Image.Digest, pushed, output, installed.Id, installed.Version, uploaded,
                image.Image.Layers.Select(l => l.Descriptor.Digest).ToList(), image.FunctionLayer);
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The one install code path (verify, fetch, hash-check), with the runtime check pointed at the image: its RID
    /// and a stand-in dotnet root holding the base image's framework versions. Its refusals are re-coded to say "the image".
    /// </summary>
    private async Task<InstallResult> InstallAsync(FunctionImageRequest request, string rid, Platform platform, ImageReference baseReference,
        IReadOnlyDictionary<string, IReadOnlySet<string>> frameworks, string root, CancellationToken cancellationToken)
    {
        var checker = new RuntimeFrameworkChecker(BaseImageFrameworks.WriteStandInRoot(frameworks, Path.Combine(root + "-dotnet")), rid);
        var installer = new FunctionInstaller(new NuGetFeedSource(_logger), new PackageVerifier(), checker, TimeProvider.System, _logger);
        try
        {
            return await installer.InstallAsync(request.Install with { Root = root, MaterializeDirectory = null }, cancellationToken).ConfigureAwait(false);
        }
        catch (FunctionPackageException ex) when (ex.Code == DiagnosticCodes.RuntimeIdentifierMismatch)
        {
            throw ExportErrors.Platform(platform.ToString(), rid, ex);
        }
        catch (FunctionPackageException ex) when (ex.Code is DiagnosticCodes.RuntimeFrameworkMissing or DiagnosticCodes.FrameworkNotRunnableByHost)
        {
            throw ExportErrors.Framework(baseReference.ToString(), BaseImageFrameworks.Describe(frameworks), ex);
        }
    }

    private sealed record ExportImage(BuiltImage Image, string FunctionLayer);

    private static ExportImage BuildImage(FunctionImageRequest request, string rid, BaseImage baseImage, ImageReference baseReference, InstallResult installed, string layerFolder)
    {
        var layout = new InstallLayout(Path.GetDirectoryName(installed.PackagesFolder)!);
        var functionPath = $"{ImageRoot}/{Path.GetRelativePath(layout.Root, installed.FunctionDirectory).Replace('\\', '/')}";
        var packagesPath = $"{ImageRoot}/{InstallLayout.PackagesFolderName}";
        var hostPath = $"{ImageRoot}/host";

        // The receipt names the packages folder by absolute path (the temp root's): in the image it is /fnpkg/packages.
        var receipt = InstallReceipt.TryRead(installed.FunctionDirectory)!;
        receipt.PackagesFolder = "/" + packagesPath;
        var function = LayerContent.FromFolder(installed.FunctionDirectory, functionPath)
            .Where(e => e.Path != $"{functionPath}/{InstallLayout.ReceiptFileName}")
            .Append(LayerEntry.File($"{functionPath}/{InstallLayout.ReceiptFileName}", receipt.Serialize()));
        Directory.CreateDirectory(installed.PackagesFolder); // a function without dependencies: an empty (but stable) layer

        // The image's RID decides the host (ReadyToRun where fnpkg has one for it) and the package assets it needs.
        var hostDirectory = PlatformAssets.HostDirectoryFor(request.HostDirectory, rid);
        var packagesPrefix = packagesPath + "/";
        var packageAssets = PlatformAssets.PackagesLayerAssets(rid);
        var packages = LayerContent.FromFolder(installed.PackagesFolder, packagesPath)
            .Where(e => !e.Path.StartsWith(packagesPrefix, StringComparison.Ordinal) || packageAssets.KeepsInPackagesFolder(e.Path[packagesPrefix.Length..]));
        var hostLayer = LayerWriter.WriteToFolder(LayerContent.FromFolder(hostDirectory, hostPath), layerFolder);
        var packagesLayer = LayerWriter.WriteToFolder(packages, layerFolder);
        var functionLayer = LayerWriter.WriteToFolder(function, layerFolder);

        var entrypoint = new List<string>
        {
            "dotnet", "exec", "--additionalprobingpath", "/" + packagesPath, $"/{hostPath}/{HostAssemblyName}",
            "serve", "--function", "/" + functionPath,
        };
        entrypoint.AddRange(request.ServeArguments);
        var runtime = request.Runtime;
        var defaults = request.TargetDefaults;
        AddOption(entrypoint, "--invocation-timeout", (runtime.InvocationTimeoutSeconds ?? defaults.InvocationTimeoutSeconds)?.ToString("R", CultureInfo.InvariantCulture));
        AddOption(entrypoint, "--max-request-body-bytes", (runtime.MaxRequestBodyBytes ?? defaults.MaxRequestBodyBytes)?.ToString(CultureInfo.InvariantCulture));
        AddOption(entrypoint, "--max-concurrent-invocations", (runtime.MaxConcurrentInvocations ?? defaults.MaxConcurrentInvocations)?.ToString(CultureInfo.InvariantCulture));
        AddOption(entrypoint, "--drain-timeout", runtime.DrainTimeoutSeconds?.ToString("R", CultureInfo.InvariantCulture));

        // PORT first so an --env PORT=… overrides it; the host listens on 0.0.0.0:$PORT in a container.
        var env = new List<KeyValuePair<string, string>> { KeyValuePair.Create("PORT", Port.ToString(CultureInfo.InvariantCulture)), KeyValuePair.Create("DOTNET_RUNNING_IN_CONTAINER", "true") };
        env.AddRange(runtime.Environment);
        var image = ImageBuilder.Build(baseImage, new[]
        {
            new NewLayer(hostLayer, "fnpkg: function host"),
            new NewLayer(packagesLayer, "fnpkg: shared packages folder"),
            new NewLayer(functionLayer, $"fnpkg: {installed.Id} {installed.Version}"),
        }, new ImageSettings
        {
            Entrypoint = entrypoint,
            Env = env,
            WorkingDir = "/" + functionPath,
            User = User,
            ExposedPorts = new[] { Port },
            Labels = new Dictionary<string, string>
            {
                ["org.opencontainers.image.title"] = installed.Id,
                ["org.opencontainers.image.version"] = installed.Version,
                ["org.opencontainers.image.base.name"] = baseReference.ToString(),
                [LabelPackageId] = installed.Id,
                [LabelPackageVersion] = installed.Version,
                [LabelManifestSha512] = receipt.ManifestSha512,
            },
        });
        return new ExportImage(image, functionLayer.Descriptor.Digest);
    }

    private static void AddOption(List<string> arguments, string name, string? value)
    {
        if (value is null) return;
        arguments.Add(name);
        arguments.Add(value);
    }

    internal static Platform ParsePlatform(string value)
    {
        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts[0] != "linux" || parts.Any(p => p.Length == 0)) throw ExportErrors.BadPlatform(value);
        return new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary>The .NET RID of an OCI platform (glibc images; Microsoft's default aspnet images are Debian).</summary>
    internal static string RidFor(Platform platform, string value) => platform.Architecture switch
    {
        "amd64" => "linux-x64",
        "arm64" => "linux-arm64",
        "arm" => "linux-arm",
        _ => throw ExportErrors.BadPlatform(value),
    };
}
