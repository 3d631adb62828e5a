using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using FunctionPackage.Shared;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Exporting.Targets.AzureFunctions;

/// <summary>
/// <c>fnpkg export --target azure-functions</c>: an Azure Functions custom-handler app. The package is installed into a
/// temp root (the install library), then laid out as an app root — host.json, <c>&lt;Name&gt;/function.json</c>,
/// local.settings.json, and the install root under <c>fnpkg/</c> (host, shared packages folder, function) — staged
/// beside the target and moved into place, or written to a zip. Every check runs before anything is written.
/// The handler is self-contained by default (<see cref="SelfContainedHostBuilder"/>, as Lambda's provided.al2023:
/// the apphost <c>fnpkg/host/FunctionPackage.Host</c>, .NET from the runtime packs, the packages folder given as the
/// runtimeconfig's probing path, the packages' <c>runtimes/</c> trimmed to the RID); <c>--framework-dependent</c>:
/// <c>dotnet exec</c> of the host with <c>--additionalprobingpath</c>.
/// </summary>
public sealed partial class AzureFunctionsExporter
{
    /// <summary>Where the app's install root is: <c>fnpkg/host</c>, <c>fnpkg/packages</c>, <c>fnpkg/functions/&lt;id&gt;/&lt;version&gt;</c>.</summary>
    public const string AppInstallRoot = "fnpkg";
    public const string HostAssemblyName = "FunctionPackage.Host.dll";
    /// <summary>The self-contained handler's apphost, in <c>fnpkg/host/</c>.</summary>
    public const string HostExecutableName = "FunctionPackage.Host";
    public const string DefaultRuntimeIdentifier = "linux-x64";
    private const string HostPath = AppInstallRoot + "/host";
    private static readonly string PackagesPath = $"{AppInstallRoot}/{InstallLayout.PackagesFolderName}";
    public const string DefaultAuthLevel = "function";
    public static IReadOnlyList<string> AuthLevels { get; } = new[] { "anonymous", "function", "admin" };
    public static IReadOnlyList<string> HttpMethodNames { get; } = new[] { "get", "post", "put", "delete", "patch", "head", "options", "trace" };
    /// <summary>Zip entries' time when SOURCE_DATE_EPOCH is unset: the earliest a zip can say (1980-01-01).</summary>
    private static readonly DateTimeOffset DefaultZipTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,126}$")]
    private static partial Regex FunctionNamePattern();

    /// <summary>Azure Storage queue names: 3-63 lower-case letters, digits and single hyphens, not starting or ending with one.</summary>
    [GeneratedRegex("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueNamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_:]*$")]
    private static partial Regex SettingNamePattern();

    private readonly ILogger _logger;

    public AzureFunctionsExporter(ILogger logger) => _logger = logger;

    public async Task<AzureFunctionsExportResult> ExportAsync(AzureFunctionsExportRequest request, CancellationToken cancellationToken = default)
    {
        // Usage first: nothing is fetched for a request that cannot be carried out.
        var (methods, authLevel) = CheckTriggerOptions(request);
        if (request.FunctionName is { } given && !FunctionNamePattern().IsMatch(given)) throw ExportErrors.AzureFunctionName(given);
        if (request.FrameworkDependent && request.RuntimeVersion is not null) throw ExportErrors.AzureRuntimeWithFrameworkDependent("--runtime-version");
        var rid = request.RuntimeIdentifier ?? DefaultRuntimeIdentifier;
        // Framework-dependent with -r: the plan's architecture is known, so the app gets fnpkg's ReadyToRun host for it
        // (where there is one) and only that RID's runtimes/ assets; without -r, the IL host and every RID's, for any plan.
        var frameworkDependentRid = request.FrameworkDependent ? request.RuntimeIdentifier : null;
        if (frameworkDependentRid is not null && !RuntimePacks.RuntimeIdentifiers.Contains(frameworkDependentRid))
            throw ExportErrors.AzureFrameworkDependentRid(frameworkDependentRid, RuntimePacks.RuntimeIdentifiers);
        var frameworkDependentHost = frameworkDependentRid is null ? request.HostDirectory
            : PlatformAssets.HostDirectoryFor(request.HostDirectory, frameworkDependentRid, HostAssemblyName);
        var hostRequest = request.FrameworkDependent ? null : new SelfContainedHostRequest
        {
            // The handler's RID is known: fnpkg's ReadyToRun host for it where there is one.
            HostDirectory = PlatformAssets.HostDirectoryFor(request.HostDirectory, rid, HostAssemblyName),
            HostAssemblyName = HostAssemblyName,
            RuntimeIdentifier = rid,
            RuntimeVersion = request.RuntimeVersion,
            ExecutableName = HostExecutableName,
            Packs = RuntimePackRequest.For(request.Install, request.RuntimePackCache),
            // Relative to the working directory, which host.json makes the app root.
            ProbingPaths = new[] { PackagesPath },
        };
        var runtimeVersion = hostRequest is null ? null : SelfContainedHostBuilder.VersionFor(hostRequest);
        if (hostRequest is not null) RuntimePacks.EnsureSupported(hostRequest.RuntimeIdentifier, runtimeVersion!);
        var workingDirectory = request.Install.WorkingDirectory;
        var output = Path.GetFullPath(request.Output, workingDirectory);
        var isZip = output.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
        if (!isZip && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any()) throw ExportErrors.AzureOutputExists(output);
        if (!isZip && File.Exists(output)) throw ExportErrors.AzureOutputExists(output);

        var work = Directory.CreateDirectory(Path.Combine(request.TempFolder, "fnpkg-export-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var installed = await InstallAsync(request.Install, hostRequest?.RuntimeIdentifier, runtimeVersion, Path.Combine(work, "root"), cancellationToken).ConfigureAwait(false);
            var name = request.FunctionName ?? DefaultFunctionName(installed.Id);
            if (!FunctionNamePattern().IsMatch(name)) throw ExportErrors.AzureFunctionName(name);
            var handler = hostRequest is null ? null : await new SelfContainedHostBuilder(new RuntimePacks(new NuGetFeedSource(_logger), _logger), _logger).BuildAsync(hostRequest, cancellationToken).ConfigureAwait(false);

            long bytes;
            if (isZip)
            {
                var app = Path.Combine(work, "app");
                WriteApp(request, installed, handler, frameworkDependentHost, frameworkDependentRid, name, methods, authLevel, app);
                AtomicFile.Write(output, stream => WriteZip(app, stream), cancellationToken: cancellationToken);
                bytes = new FileInfo(output).Length;
            }
            else
            {
                using var staged = StagedFolder.Create(output);
                WriteApp(request, installed, handler, frameworkDependentHost, frameworkDependentRid, name, methods, authLevel, staged.Path);
                bytes = FolderBytes(staged.Path);
                // An empty folder given as -o is replaced; anything else was refused above.
                staged.Commit(() =>
                {
                    if (Directory.EnumerateFileSystemEntries(output).Any()) throw ExportErrors.AzureOutputExists(output);
                    Directory.Delete(output);
                    return false;
                });
            }
            _logger.LogInformation("Azure Functions app {Output}: function {Name} ({Trigger}), {Bytes} bytes", output, name, request.Trigger, bytes);
            var publish = isZip
                ? $"az functionapp deployment source config-zip --resource-group <resource-group> --name <app> --src {output}"
                : $"cd {output} && func azure functionapp publish <app>{(request.Runtime.Environment.Count > 0 ? " --publish-local-settings" : "")}";
            var handlerLine = handler is null
                ? $"dotnet exec {HostPath}/{HostAssemblyName} (framework-dependent: the plan's .NET{(frameworkDependentRid is null ? "" : ", " + frameworkDependentRid)})"
                : $"{HostPath}/{HostExecutableName} (self-contained {handler.RuntimeIdentifier}, .NET {handler.RuntimeVersion})";
            return new AzureFunctionsExportResult(output, isZip, name, request.Trigger, bytes, publish, handlerLine);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The install as <c>fnpkg install</c> does it: judged against this machine for a framework-dependent app, else
    /// against the self-contained handler (its RID, .NET at the packs' version), refusals re-coded to say so.
    /// </summary>
    private async Task<InstallResult> InstallAsync(InstallRequest install, string? rid, string? runtimeVersion, string root, CancellationToken cancellationToken)
    {
        var checker = rid is null ? new RuntimeFrameworkChecker() : SelfContainedHostBuilder.PlatformChecker(rid, runtimeVersion!, root + "-dotnet");
        var installer = new FunctionInstaller(new NuGetFeedSource(_logger), new PackageVerifier(), checker, TimeProvider.System, _logger);
        try
        {
            return await installer.InstallAsync(install with { Root = root, MaterializeDirectory = null }, cancellationToken).ConfigureAwait(false);
        }
        catch (FunctionPackageException ex) when (rid is not null && ex.Code == DiagnosticCodes.RuntimeIdentifierMismatch)
        {
            throw ExportErrors.AzurePlatformMismatch(rid, ex);
        }
        catch (FunctionPackageException ex) when (rid is not null && ex.Code is DiagnosticCodes.RuntimeFrameworkMissing or DiagnosticCodes.FrameworkNotRunnableByHost)
        {
            throw ExportErrors.AzureFrameworkMissing(runtimeVersion!, ex);
        }
    }

    /// <summary>The Azure function name of a package id: its dots as hyphens (<c>Orders</c>, <c>Hello-Function</c>).</summary>
    internal static string DefaultFunctionName(string packageId) => packageId.Replace('.', '-');

    /// <summary>FPKG7150 (trigger), FPKG7152 (an option of another trigger, or the queue name missing), FPKG7153 (a value out of its set).</summary>
    private static (IReadOnlyList<string> Methods, string AuthLevel) CheckTriggerOptions(AzureFunctionsExportRequest request)
    {
        if (!AzureTriggers.All.Contains(request.Trigger, StringComparer.Ordinal)) throw ExportErrors.AzureTrigger(request.Trigger, AzureTriggers.All);
        var isHttp = request.Trigger == AzureTriggers.Http;
        var isQueue = request.Trigger == AzureTriggers.Queue;
        if (!isHttp && request.HttpMethods.Count > 0) throw ExportErrors.AzureTriggerOption("--http-method", request.Trigger, AzureTriggers.Http);
        if (!isHttp && request.AuthLevel is not null) throw ExportErrors.AzureTriggerOption("--auth-level", request.Trigger, AzureTriggers.Http);
        if (!isHttp && request.ForwardHttpRequest) throw ExportErrors.AzureTriggerOption("--forward-http", request.Trigger, AzureTriggers.Http);
        if (!isQueue && request.QueueName is not null) throw ExportErrors.AzureTriggerOption("--queue-name", request.Trigger, AzureTriggers.Queue);
        if (!isQueue && request.QueueConnection is not null) throw ExportErrors.AzureTriggerOption("--queue-connection", request.Trigger, AzureTriggers.Queue);
        if (isQueue && request.QueueName is null) throw ExportErrors.AzureQueueNameMissing();
        if (isQueue && !QueueNamePattern().IsMatch(request.QueueName!)) throw ExportErrors.AzureValue("--queue-name", request.QueueName!, "3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit");
        if (request.QueueConnection is { } connection && !SettingNamePattern().IsMatch(connection)) throw ExportErrors.AzureValue("--queue-connection", connection, "the name of an app setting (letters, digits, '_')");
        var methods = new List<string>();
        foreach (var method in request.HttpMethods)
        {
            var lower = method.ToLowerInvariant();
            if (!HttpMethodNames.Contains(lower)) throw ExportErrors.AzureValue("--http-method", method, string.Join(", ", HttpMethodNames));
            if (!methods.Contains(lower)) methods.Add(lower);
        }
        if (methods.Count == 0) methods.Add("post");
        methods.Sort(StringComparer.Ordinal); // the same function.json whatever order they were given in
        var authLevel = request.AuthLevel ?? DefaultAuthLevel;
        if (!AuthLevels.Contains(authLevel)) throw ExportErrors.AzureValue("--auth-level", authLevel, string.Join(", ", AuthLevels));
        return (methods, authLevel);
    }

    /// <summary>The app root: the install root under <c>fnpkg/</c>, then the three files the Functions host reads.</summary>
    private static void WriteApp(AzureFunctionsExportRequest request, InstallResult installed, SelfContainedHost? handler, string frameworkDependentHost,
        string? frameworkDependentRid, string name, IReadOnlyList<string> methods, string authLevel, string app)
    {
        var layout = new InstallLayout(Path.GetDirectoryName(installed.PackagesFolder)!);
        var functionPath = $"{AppInstallRoot}/{Path.GetRelativePath(layout.Root, installed.FunctionDirectory).Replace('\\', '/')}";
        // Where the handler's RID is known: only the runtimes/ assets it can load (RuntimeAssetFilter).
        var rid = handler?.RuntimeIdentifier ?? frameworkDependentRid;
        var assets = rid is null ? null : RuntimeAssetFilter.For(rid);

        if (handler is null) CopyFolder(frameworkDependentHost, Path.Combine(app, HostPath));
        else BundleFile.WriteFolder(handler.Files, Path.Combine(app, HostPath));
        Directory.CreateDirectory(installed.PackagesFolder); // a function without dependencies: an empty packages folder
        CopyFolder(installed.PackagesFolder, Path.Combine(app, PackagesPath), assets is null ? null : assets.KeepsInPackagesFolder);
        var functionFolder = Path.Combine(app, functionPath);
        // An embedded dependency's assets are in the function's own folder, publish layout (function/runtimes/<rid>/…).
        var functionFiles = FunctionPackageFormat.FunctionFolder;
        CopyFolder(installed.FunctionDirectory, functionFolder, assets is null ? null : path => !path.StartsWith(functionFiles, StringComparison.Ordinal) || assets.Keeps(path[functionFiles.Length..]));
        // The receipt names the packages folder by the temp root's absolute path: in the app it is relative to the function folder.
        var receipt = InstallReceipt.TryRead(installed.FunctionDirectory)!;
        receipt.PackagesFolder = Path.GetRelativePath(functionFolder, Path.Combine(app, PackagesPath)).Replace('\\', '/');
        File.WriteAllBytes(Path.Combine(functionFolder, InstallLayout.ReceiptFileName), receipt.Serialize());

        // Paths relative to the working directory, the app root: the app runs wherever it is unpacked (/home/site/wwwroot, func start).
        var serve = new List<string> { "serve", "--function", functionPath, "--protocol", "azure-functions" };
        serve.AddRange(request.Runtime.HostOptions());
        var (executable, arguments) = handler is null
            ? ("dotnet", new[] { "exec", "--additionalprobingpath", PackagesPath, $"{HostPath}/{HostAssemblyName}" }.Concat(serve).ToList())
            : ($"{HostPath}/{handler.ExecutablePath}", serve);

        File.WriteAllBytes(Path.Combine(app, "host.json"), AzureAppFiles.HostJson(executable, arguments, request.ForwardHttpRequest, request.Runtime.InvocationTimeoutSeconds));
        Directory.CreateDirectory(Path.Combine(app, name));
        File.WriteAllBytes(Path.Combine(app, name, "function.json"), AzureAppFiles.FunctionJson(request, methods, authLevel));
        File.WriteAllBytes(Path.Combine(app, "local.settings.json"), AzureAppFiles.LocalSettings(request, request.Runtime));
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>: every file whose path relative to it (<c>/</c> separators) <paramref name="include"/> accepts.</summary>
    private static void CopyFolder(string source, string target, Func<string, bool>? include = null)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (include is not null && !include(relative.Replace('\\', '/'))) continue;
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static long FolderBytes(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    /// <summary>
    /// A reproducible zip of the app: entries in ordinal path order, one fixed time (SOURCE_DATE_EPOCH, else 1980-01-01),
    /// Unix modes from the files (an executable stays executable when Azure unpacks it).
    /// </summary>
    internal static void WriteZip(string app, Stream stream)
    {
        var time = ZipTime();
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var files = Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories)
            .Select(f => (Path: f, Name: Path.GetRelativePath(app, f).Replace('\\', '/')))
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        foreach (var (path, name) in files)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
            entry.LastWriteTime = time;
            var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
            entry.ExternalAttributes = (executable ? 0b111_101_101 : 0b110_100_100) << 16 | (0x8000 << 16); // regular file, 0755 / 0644
            using var source = File.OpenRead(path);
            using var target = entry.Open();
            source.CopyTo(target);
        }
    }

    private static DateTimeOffset ZipTime()
    {
        if (long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(epoch);
            if (time > DefaultZipTime) return time;
        }
        return DefaultZipTime;
    }
}
