using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Exporting.Targets.AwsLambda;

/// <summary>
/// <c>fnpkg export --target aws-lambda</c>: install the package into a temp root (the install library, judged against
/// Lambda's runtime: its RID and .NET 10), then write one reproducible zip, the task root <c>/var/task</c>:
/// <list type="bullet">
/// <item>managed <c>dotnet10</c> (default): the framework-dependent host at the root as an <b>executable assembly</b>
/// (handler <c>FunctionPackage.Host</c>: Lambda's bootstrap runs <c>dotnet exec /var/task/FunctionPackage.Host.dll</c>);</item>
/// <item><c>--self-contained</c>: <c>provided.al2023</c>, the host made self-contained from the runtime packs
/// (<see cref="SelfContainedHostBuilder"/>) with its apphost as the executable <c>bootstrap</c>;</item>
/// </list>
/// and in both <c>function/</c>: the installed function (function.json and its files with every dependency asset
/// where <c>dotnet publish</c> put it, so nothing is probed for), and <c>FunctionPackage.Host.launch.json</c>: the host's
/// command line (<c>serve --protocol aws-lambda --function function</c> and the limits) and the <c>--env</c> variables,
/// read by the host when started with no arguments (<see cref="HostLaunchFileName"/>). Lambda's size limits are checked
/// before the zip is moved into place; nothing is left behind on a failure.
/// </summary>
public sealed partial class LambdaExporter
{
    public const string HostAssemblyName = "FunctionPackage.Host.dll";
    public const string ManagedHandler = "FunctionPackage.Host";
    public const string ManagedRuntime = "dotnet10";
    public const string CustomRuntime = "provided.al2023";
    public const string Bootstrap = "bootstrap";
    /// <summary>The function's folder in the zip: <c>/var/task/function</c> on Lambda.</summary>
    public const string FunctionFolder = "function";
    /// <summary>The host's launch file (FunctionPackage.Host's HostLaunchFile.FileName).</summary>
    public const string HostLaunchFileName = "FunctionPackage.Host.launch.json";
    /// <summary>The host's default --invocation-timeout, also the Lambda function timeout printed when none is given.</summary>
    public const int DefaultTimeoutSeconds = 30;
    /// <summary>Lambda's longest function timeout.</summary>
    public const int MaxTimeoutSeconds = 900;

    /// <summary>Zip entries' time: 1980-01-01, the earliest a zip can say (SOURCE_DATE_EPOCH is not needed: nothing here depends on the clock).</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ILogger _logger;

    public LambdaExporter(ILogger logger) => _logger = logger;

    /// <summary>Lambda's architecture of a RID: linux-x64 → x86_64, linux-arm64 → arm64.</summary>
    public static IReadOnlyDictionary<string, string> Architectures { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["linux-x64"] = "x86_64",
        ["linux-arm64"] = "arm64",
    };

    public async Task<LambdaExportResult> ExportAsync(LambdaExportRequest request, CancellationToken cancellationToken = default)
    {
        // Usage first: nothing is fetched or installed for a request that cannot be carried out.
        if (request.Output is null) throw ExportErrors.LambdaNoOutput();
        var rid = request.RuntimeIdentifier ?? "linux-x64";
        if (!Architectures.TryGetValue(rid, out var architecture)) throw ExportErrors.LambdaRid(rid, Architectures.Keys);
        if (request.RuntimeVersion is not null && !request.SelfContained) throw ExportErrors.LambdaRuntimeVersionNeedsSelfContained();
        var timeout = TimeoutSeconds(request.Runtime.InvocationTimeoutSeconds);
        // A Lambda function has one architecture (x86_64 unless told, as `aws lambda create-function` and
        // Amazon.Lambda.Tools default): the zip gets fnpkg's ReadyToRun host for its RID where there is one (a fifth
        // less CPU to the first answer than the IL host, docs/benchmarks.md) and only that RID's runtimes/ assets.
        var hostDirectory = PlatformAssets.HostDirectoryFor(request.HostDirectory, rid, HostAssemblyName);
        var hostRequest = new SelfContainedHostRequest
        {
            HostDirectory = hostDirectory,
            HostAssemblyName = HostAssemblyName,
            RuntimeIdentifier = rid,
            RuntimeVersion = request.RuntimeVersion,
            ExecutableName = Bootstrap,
            Packs = RuntimePackRequest.For(request.Install, request.RuntimePackCache),
        };
        // The runtime the function will run on: the packs' version, or (managed) the newest .NET 10 Lambda keeps patched.
        var runtimeVersion = SelfContainedHostBuilder.VersionFor(hostRequest);
        if (request.SelfContained) RuntimePacks.EnsureSupported(rid, runtimeVersion);
        var output = Path.GetFullPath(request.Output, request.Install.WorkingDirectory);

        var work = Directory.CreateDirectory(Path.Combine(request.TempFolder, "fnpkg-export-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var installed = await InstallAsync(request, rid, runtimeVersion, Path.Combine(work, "root"), cancellationToken).ConfigureAwait(false);
            var materialized = Path.Combine(work, "materialized");
            new Materializer(_logger).Materialize(installed.FunctionDirectory, installed.PackagesFolder, materialized);

            var files = new List<BundleFile>();
            string? bundledRuntime = null;
            if (request.SelfContained)
            {
                var host = await new SelfContainedHostBuilder(new RuntimePacks(new NuGetFeedSource(_logger), _logger), _logger).BuildAsync(hostRequest, cancellationToken).ConfigureAwait(false);
                files.AddRange(host.Files);
                bundledRuntime = host.RuntimeVersion;
            }
            else
            {
                // This machine's framework-dependent apphost is no use on Lambda: dotnet exec starts the dll.
                files.AddRange(BundleFile.FromFolder(hostDirectory).Where(f => f.Path != ManagedHandler));
            }
            files.Add(BundleFile.FromFile($"{FunctionFolder}/{FunctionPackageFormat.ManifestFileName}", Path.Combine(installed.FunctionDirectory, FunctionPackageFormat.ManifestFileName)));
            var assets = RuntimeAssetFilter.For(rid);
            files.AddRange(BundleFile.FromFolder(materialized, $"{FunctionFolder}/{FunctionPackageFormat.FunctionFolder.TrimEnd('/')}", assets.Keeps));
            files.Add(BundleFile.FromBytes(HostLaunchFileName, LaunchFile(request.Runtime)));

            var unzipped = files.Sum(f => f.Length);
            if (unzipped > request.Limits.MaxUnzippedBytes) throw ExportErrors.LambdaSize("unzipped", unzipped, request.Limits.MaxUnzippedBytes);
            long zipped = 0;
            AtomicFile.Write(output, stream =>
            {
                WriteZip(files, stream);
                zipped = stream.Length;
                // Checked on the temp file: over the limit, the target is never created (or replaced).
                if (zipped > request.Limits.MaxZippedBytes) throw ExportErrors.LambdaSize("zipped", zipped, request.Limits.MaxZippedBytes);
            }, cancellationToken: cancellationToken);

            var name = FunctionNameFor(installed.Id);
            var (runtime, handler) = request.SelfContained ? (CustomRuntime, Bootstrap) : (ManagedRuntime, ManagedHandler);
            var deploy = string.Join(' ', "aws lambda create-function", "--function-name", name, "--runtime", runtime, "--handler", handler,
                "--architectures", architecture, "--timeout", timeout.ToString(CultureInfo.InvariantCulture),
                "--role", "arn:aws:iam::<account-id>:role/<execution-role>", "--zip-file", "fileb://" + Quote(output));
            _logger.LogInformation("Wrote {Output}: {Files} files, {Unzipped} bytes unzipped, {Zipped} zipped", output, files.Count, unzipped, zipped);
            return new LambdaExportResult(output, name, runtime, handler, architecture, timeout, unzipped, zipped, bundledRuntime, deploy);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The install, judged against Lambda's runtime: the RID of the chosen architecture and a stand-in dotnet root with
    /// Microsoft.NETCore.App and Microsoft.AspNetCore.App at <paramref name="runtimeVersion"/>. Refusals re-coded to say "Lambda".
    /// </summary>
    private async Task<InstallResult> InstallAsync(LambdaExportRequest request, string rid, string runtimeVersion, string root, CancellationToken cancellationToken)
    {
        var checker = SelfContainedHostBuilder.PlatformChecker(rid, runtimeVersion, root + "-dotnet");
        var installer = new FunctionInstaller(new NuGetFeedSource(_logger), new PackageVerifier(), checker, TimeProvider.System, _logger);
        try
        {
            return await installer.InstallAsync(request.Install with { Root = root, MaterializeDirectory = null }, cancellationToken).ConfigureAwait(false);
        }
        catch (FunctionPackageException ex) when (ex.Code == DiagnosticCodes.RuntimeIdentifierMismatch)
        {
            throw ExportErrors.LambdaPlatformMismatch(rid, ex);
        }
        catch (FunctionPackageException ex) when (ex.Code is DiagnosticCodes.RuntimeFrameworkMissing or DiagnosticCodes.FrameworkNotRunnableByHost)
        {
            throw ExportErrors.LambdaFrameworkMissing(runtimeVersion, ex);
        }
    }

    /// <summary>Lambda's function timeout for the host's invocation timeout: rounded up, 1–900 s (the host's 30 s when none is given or 0).</summary>
    internal static int TimeoutSeconds(double? invocationTimeout) => invocationTimeout switch
    {
        null or 0 => DefaultTimeoutSeconds,
        > MaxTimeoutSeconds => throw ExportErrors.LambdaTimeout(invocationTimeout.Value, MaxTimeoutSeconds),
        var seconds => Math.Max(1, (int)Math.Ceiling(seconds.Value)),
    };

    /// <summary>The host's command line and environment, read when Lambda starts it with no arguments.</summary>
    internal static byte[] LaunchFile(RuntimeConfiguration runtime)
    {
        var arguments = new List<string> { "serve", "--protocol", "aws-lambda", "--function", FunctionFolder };
        arguments.AddRange(runtime.HostOptions());
        var launch = new Dictionary<string, object>
        {
            ["arguments"] = arguments,
            ["environment"] = runtime.Environment.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
        };
        return JsonSerializer.SerializeToUtf8Bytes(launch, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Sorted entries, a fixed time, Unix modes (0755 for executables, else 0644): same files, same bytes.</summary>
    internal static void WriteZip(IEnumerable<BundleFile> files, Stream destination)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var entry = zip.CreateEntry(file.Path, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTime;
            const int regularFile = 0x8000; // S_IFREG
            entry.ExternalAttributes = (regularFile | (int)file.UnixMode) << 16;
            using var source = file.OpenRead();
            using var target = entry.Open();
            source.CopyTo(target);
        }
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotInFunctionName();

    /// <summary>A Lambda function name from the package id: letters, digits, '-' and '_', at most 64 (<c>Orders.Api</c> → <c>Orders-Api</c>).</summary>
    public static string FunctionNameFor(string id)
    {
        var name = NotInFunctionName().Replace(id, "-");
        return name.Length <= 64 ? name : name[..64];
    }

    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$') ? "'" + path.Replace("'", "'\\''") + "'" : path;
}
