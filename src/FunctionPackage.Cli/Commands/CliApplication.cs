using System.CommandLine;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Inspection;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Sources.OciRegistry;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands;

/// <summary>
/// The System.CommandLine layer: parses arguments, calls the logic classes, maps each <see cref="FunctionPackageException"/> code to its exit code (<see cref="ExitCodeTable"/>).
/// Results go to <see cref="_output"/> (stdout); logs and errors go to stderr through the logger.
/// </summary>
public sealed partial class CliApplication
{
    private readonly TextWriter _output;
    private readonly bool _ownsProcess;
    private ILoggerFactory _loggerFactory = null!;
    private ILogger _logger = null!;

    /// <param name="output">Where results go (stdout).</param>
    /// <param name="ownsProcess">
    /// This process is fnpkg's own (Program.cs), not a test's or another program's: run/invoke may then run the host
    /// inside it (<see cref="HostLauncher.RunAsync(System.Diagnostics.ProcessStartInfo, bool, ILogger, CancellationToken)"/>),
    /// which sets process-wide state for the function: current directory, AppContext.BaseDirectory, Console.Out.
    /// </param>
    public CliApplication(TextWriter output, bool ownsProcess = false)
    {
        _output = output;
        _ownsProcess = ownsProcess;
    }

    /// <summary>Parses and runs one command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default, bool ownsProcess = false)
    {
        if (await InstalledShortcut.TryRunAsync(args, output, ownsProcess) is { } done) return done;
        return await ParseAndRunAsync(args, output, cancellationToken, ownsProcess);
    }

    private static async Task<int> ParseAndRunAsync(string[] args, TextWriter output, CancellationToken cancellationToken, bool ownsProcess)
    {
        var app = new CliApplication(output, ownsProcess);
        var root = app.CreateRootCommand();
        var parse = root.Parse(args);
        var verbosity = parse.GetValue(app._verbosity);
        var minimum = verbosity switch { "quiet" => LogLevel.Warning, "detailed" => LogLevel.Debug, "diagnostic" => LogLevel.Trace, _ => LogLevel.Information };
        using var factory = new LoggerFactory(new[] { new PlainConsoleLoggerProvider(Console.Error) }, new LoggerFilterOptions { MinLevel = minimum });
        app._loggerFactory = factory;
        app._logger = factory.CreateLogger("fnpkg");
        if (parse.Action is System.CommandLine.Invocation.ParseErrorAction parseError)
        {
            // The error lines name the option and the fix; the whole help after them would bury that.
            parseError.ShowHelp = false;
            var exitCode = await parse.InvokeAsync(new InvocationConfiguration(), cancellationToken);
            var commandPath = string.Join(' ', parse.CommandResult.Command is RootCommand ? new[] { "fnpkg" } : new[] { "fnpkg", parse.CommandResult.Command.Name });
            Console.Error.WriteLine($"Run '{commandPath} --help' for the usage.");
            return exitCode;
        }
        // run serves until SIGTERM/Ctrl+C, which the host handles itself (its drain; forwarded to a child host):
        // System.CommandLine's own handling would cut the drain short after its timeout.
        var configuration = new InvocationConfiguration();
        if (parse.CommandResult.Command.Name == "run" && parse.CommandResult.Parent?.Parent is null) configuration.ProcessTerminationTimeout = null;
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private readonly Option<string> _verbosity = new("--verbosity", "-v")
    {
        Description = "How much to log to stderr: quiet, normal, detailed or diagnostic.",
        DefaultValueFactory = _ => "normal",
        Recursive = true,
    };

    public RootCommand CreateRootCommand()
    {
        _verbosity.AcceptOnlyFromAmong("quiet", "normal", "detailed", "diagnostic");
        var root = new RootCommand(
            "fnpkg: verify, inspect, install and run .NET function packages (.nupkg with package type FunctionPackage).\n" +
            ExitCodes.HelpText + " When the host ran and failed, run/invoke exit with 10 + the host's exit code.")
        {
            CreateVerify(), CreateInspect(), CreateSbom(), CreateInstall(), CreateRun(), CreateInvoke(),
            PushCommand.Create(Guard, _output, () => _logger),
            CreateExport(),
        };
        root.Add(_verbosity);
        return root;
    }

    private static Argument<string> PackageArgument(string description) => new("package") { Description = description };

    private static Option<string> RootOption(bool required) => new("--root")
    {
        Description = "Install root: holds packages/ (shared by every function), functions/<id>/<version>/ and .staging/.",
        Required = required,
    };

    private static Option<string[]> SourceOption() => new("--source", "-s")
    {
        Description = "A NuGet feed (folder or v3 index.json URL). Repeatable. Default: the NuGet.config in effect, else the manifest's sources hint.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Passed to the host as is; unset leaves the host's default (30 s).</summary>
    private static Option<double?> InvocationTimeoutOption()
    {
        var option = new Option<double?>("--invocation-timeout")
        {
            Description = "Seconds one invocation may take before the host answers 504 (invoke: exit 15) and cancels its token; 0 = no limit (host default: 30).",
        };
        RequireRange(option, seconds => seconds >= 0, "--invocation-timeout must be 0 (no limit) or a positive number of seconds.");
        return option;
    }

    /// <summary>
    /// Adds a range check to a number option. Only a token that parses is checked: one that does not is already
    /// System.CommandLine's parse error (a usage error), while reading its value in a validator would throw.
    /// </summary>
    internal static void RequireRange(Option option, Func<double, bool> inRange, string message) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1
                && double.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && !(double.IsFinite(value) && inRange(value)))
            {
                result.AddError(message);
            }
        });

    /// <summary>--timeout, --request-timeout, --insecure-registry and the <see cref="SignatureOptions"/>, shared by every command that installs.</summary>
    private sealed class TimeoutOptions
    {
        private const double MaxSeconds = 86400;

        public Option<double> Timeout { get; } = new("--timeout")
        {
            HelpName = "seconds",
            Description = "Seconds the whole install may take (downloads included) before it fails with FPKG5115.",
            DefaultValueFactory = _ => InstallRequest.DefaultTimeout.TotalSeconds,
        };

        public Option<double> RequestTimeout { get; } = new("--request-timeout")
        {
            HelpName = "seconds",
            Description = "Seconds a feed may stay silent (before answering, or mid-download) before that source fails with FPKG5114.",
            DefaultValueFactory = _ => InstallRequest.DefaultRequestTimeout.TotalSeconds,
        };

        public TimeoutOptions()
        {
            foreach (var option in new[] { Timeout, RequestTimeout })
            {
                RequireRange(option, seconds => seconds > 0 && seconds <= MaxSeconds, $"{option.Name} must be a number of seconds above 0 and at most {MaxSeconds} (a day).");
            }
        }

        public Option<string[]> InsecureRegistries { get; } = PushCommand.InsecureRegistryOption();

        private readonly SignatureOptions _signatures = new();

        public void AddTo(Command command)
        {
            command.Add(Timeout);
            command.Add(RequestTimeout);
            command.Add(InsecureRegistries);
            _signatures.AddTo(command);
        }

        public InstallRequest Apply(InstallRequest request, ParseResult parse) => _signatures.Apply(request with
        {
            Timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
            RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(RequestTimeout)),
            InsecureRegistries = parse.GetValue(InsecureRegistries) ?? Array.Empty<string>(),
        }, parse);
    }

    private Command CreateVerify()
    {
        var package = PackageArgument("The function package (.nupkg) to verify.");
        var command = new Command("verify", "Check a function package: structure, manifest, every file hash, embedded dependency content hashes, nuspec dependencies. Writes nothing.") { package };
        command.SetAction(parse => Guard(() =>
        {
            var result = VerifyAndReport(parse.GetValue(package)!, "");
            if (result is null) return Task.FromResult(ExitCodes.VerificationFailed);
            var manifest = result.Manifest!;
            _output.Write($"{manifest.Id} {manifest.Version}: verified ({manifest.Files.Count} file(s), {manifest.Dependencies.Count} dependency(ies), {manifest.DependencyMode} mode)\n");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    /// <summary>Verifies and logs every issue; the result when the package is valid, else null (exit 2).</summary>
    private VerificationResult? VerifyAndReport(string package, string consequence)
    {
        var result = new PackageVerifier().Verify(package);
        foreach (var issue in result.Issues) _logger.LogError("{Message}", $"{issue.Code}: {issue.Message}");
        if (result.IsValid) return result;
        _logger.LogError("{Message}", $"{Path.GetFileName(result.PackagePath)} failed verification ({result.Issues.Count} problem(s)){consequence}.");
        return null;
    }

    private Command CreateInspect()
    {
        var package = PackageArgument("The function package (.nupkg) to inspect.");
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON instead of text." };
        var command = new Command("inspect", "Show a function package's entry point, runtime, dependency mode, pinned dependencies and sizes.") { package, json };
        command.SetAction(parse => Guard(() =>
        {
            var report = new PackageInspector().Inspect(parse.GetValue(package)!);
            _output.Write(parse.GetValue(json) ? PackageInspector.ToJson(report) : PackageInspector.ToText(report));
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    /// <summary>FPKG2052: the package verified but has no SBOM (packed before the format had one, or by another tool).</summary>
    public const string SbomMissingCode = "FPKG2052";

    private Command CreateSbom()
    {
        var package = PackageArgument("A function package file (.nupkg), id@version to fetch from the sources, or oci://registry/repository:tag (or @sha256:digest): its SBOM referrer, else the package's own.");
        var sources = SourceOption();
        var fromPackage = new Option<bool>("--from-package")
        {
            Description = "oci:// only: download and verify the package and print the SBOM inside it, instead of the SBOM referrer fnpkg push attached to it.",
        };
        var command = new Command("sbom", $"Print a function package's CycloneDX 1.6 SBOM ({FunctionPackageFormat.SbomPath}) to stdout, byte for byte: from the verified package, or from its OCI referrer.") { package, sources, fromPackage };
        var timeouts = new TimeoutOptions();
        timeouts.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            var text = parse.GetValue(package)!;
            var argument = Installing.Installation.PackageArgument.Parse(text, Directory.GetCurrentDirectory());
            var request = timeouts.Apply(new InstallRequest { Package = text, Root = "", Sources = parse.GetValue(sources) ?? Array.Empty<string>() }, parse);
            if (argument.IsOci && !parse.GetValue(fromPackage))
            {
                var options = OciPackageArtifact.Options(request.InsecureRegistries, request.RequestTimeout);
                var sbom = await new OciSbomReader(registry => new FunctionPackage.Oci.Registry.RegistryClient(registry, options)).ReadAsync(argument.OciReference!, cancellationToken);
                if (sbom is not null)
                {
                    _logger.LogInformation("{Message}", $"The SBOM referrer {sbom.ReferrerDigest} of {argument} ({sbom.PackageDigest})");
                    _output.Write(new System.Text.UTF8Encoding(false).GetString(sbom.Content));
                    return ExitCodes.Success;
                }
                _logger.LogInformation("{Message}", $"{argument} has no SBOM referrer; reading the SBOM inside the package");
            }
            if (argument.IsFile) return PrintSbom(argument.FilePath!);
            var folder = Path.Combine(Path.GetTempPath(), "fnpkg-sbom-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));
            try
            {
                return PrintSbom(await Installer().FetchAsync(request, folder, cancellationToken));
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }));
        return command;
    }

    /// <summary>Verifies the package, then prints its sbom.cdx.json; exit 2 when it fails verification or has none.</summary>
    private int PrintSbom(string packagePath)
    {
        // Verified first: files[] pins the SBOM's hash, so what is printed is what the SDK wrote.
        var result = VerifyAndReport(packagePath, "; its SBOM is not printed");
        if (result is null) return ExitCodes.VerificationFailed;
        using var archive = FunctionPackageArchive.Open(result.PackagePath);
        if (archive.Find(FunctionPackageFormat.SbomPath) is not { } entry)
        {
            _logger.LogError("{Message}", $"{SbomMissingCode}: {Path.GetFileName(result.PackagePath)} has no {FunctionPackageFormat.SbomPath}: it was packed before function packages carried an SBOM, or not by the FunctionPackage SDK. Publish it again with the current FunctionPackage.Sdk.");
            return ExitCodes.VerificationFailed;
        }
        using (var stream = archive.OpenRead(entry))
        using (var reader = new StreamReader(stream, new System.Text.UTF8Encoding(false)))
        {
            _output.Write(reader.ReadToEnd());
        }
        return ExitCodes.Success;
    }

    private Command CreateInstall()
    {
        var package = PackageArgument("A function package file (.nupkg), id@version to fetch from the sources, or oci://registry/repository:tag (or @sha256:digest).");
        var root = RootOption(required: true);
        var sources = SourceOption();
        var materialize = new Option<string?>("--materialize")
        {
            Description = "Also write a plain publish-folder layout (function files plus every dependency asset at its publish destination) to this new or empty folder.",
        };
        var timeouts = new TimeoutOptions();
        var command = new Command("install", "Verify, then install a function package and its pinned dependencies into an install root. Prints the installed folder.")
        {
            package, root, sources, materialize,
        };
        timeouts.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            var result = await Installer().InstallAsync(timeouts.Apply(new InstallRequest
            {
                Package = parse.GetValue(package)!,
                Root = parse.GetValue(root)!,
                Sources = parse.GetValue(sources) ?? Array.Empty<string>(),
                MaterializeDirectory = parse.GetValue(materialize),
            }, parse), cancellationToken);
            _output.Write(result.FunctionDirectory + "\n");
            return ExitCodes.Success;
        }));
        return command;
    }

    private Command CreateRun()
    {
        var package = PackageArgument("A function package file (.nupkg), id@version or oci://registry/repository:tag; installed into --root first (a no-op when already there).");
        var root = RootOption(required: true);
        var sources = SourceOption();
        var urls = new Option<string?>("--urls") { Description = "Addresses the host listens on, ';'-separated (host default: http://127.0.0.1:8080)." };
        var isolated = IsolatedOption();
        var command = new Command("run", "Install if needed, then serve the function over HTTP (CloudEvents) until Ctrl+C.") { package, root, sources, urls, isolated };
        var runtimeOptions = new RuntimeOptions();
        runtimeOptions.AddTo(command);
        var timeouts = new TimeoutOptions();
        timeouts.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            var runtime = runtimeOptions.Read(parse);
            var installed = await Installer().InstallAsync(timeouts.Apply(new InstallRequest
            {
                Package = parse.GetValue(package)!,
                Root = parse.GetValue(root)!,
                Sources = parse.GetValue(sources) ?? Array.Empty<string>(),
            }, parse), cancellationToken);
            // --env/--env-file: the function's environment must be a process's own (native code reads it too).
            var inProcess = _ownsProcess && !parse.GetValue(isolated) && runtime.Environment.Count == 0;
            var launcher = new HostLauncher();
            return await launcher.RunAsync(launcher.CreateServe(installed.FunctionDirectory, installed.PackagesFolder, parse.GetValue(urls),
                runtime.InvocationTimeoutSeconds, runtime.MaxConcurrentInvocations, runtime.MaxRequestBodyBytes, runtime.Environment,
                runtime.DrainTimeoutSeconds), inProcess, _logger, cancellationToken);
        }));
        return command;
    }

    private Command CreateInvoke()
    {
        var package = PackageArgument("A function package file (.nupkg), id@version or oci://registry/repository:tag.");
        var data = new Option<string?>("--data") { Description = "The event data as JSON ('-' reads stdin). Omit for no data." };
        var sources = SourceOption();
        var root = RootOption(required: false);
        root.Description = "Install root to reuse; default: a temporary root deleted afterwards.";
        var timeout = InvocationTimeoutOption();
        var isolated = IsolatedOption();
        var command = new Command("invoke", "Install to a temporary root and invoke the function once; prints only the result to stdout, logs to stderr.") { package, data, sources, root, timeout, isolated };
        var timeouts = new TimeoutOptions();
        timeouts.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            var givenRoot = parse.GetValue(root);
            var installRoot = givenRoot ?? Path.Combine(Path.GetTempPath(), "fnpkg-invoke-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));
            try
            {
                var installed = await Installer().InstallAsync(timeouts.Apply(new InstallRequest
                {
                    Package = parse.GetValue(package)!,
                    Root = installRoot,
                    Sources = parse.GetValue(sources) ?? Array.Empty<string>(),
                }, parse), cancellationToken);
                var launcher = new HostLauncher();
                return await launcher.RunAsync(launcher.CreateInvoke(installed.FunctionDirectory, installed.PackagesFolder, parse.GetValue(data), parse.GetValue(timeout)),
                    _ownsProcess && !parse.GetValue(isolated), _logger, cancellationToken);
            }
            finally
            {
                if (givenRoot is null && Directory.Exists(installRoot)) Directory.Delete(installRoot, recursive: true);
            }
        }));
        return command;
    }

    private static Option<bool> IsolatedOption() => new("--isolated")
    {
        Description = "Start the host as its own process (dotnet exec …) instead of inside fnpkg's: one more runtime start, "
            + "for a function that must not share fnpkg's process. --env/--env-file imply it.",
    };

    private FunctionInstaller Installer() => FunctionInstaller.CreateDefault(_loggerFactory.CreateLogger<FunctionInstaller>());

    private Task<int> Guard(Func<Task<int>> action) => Guard(action, _logger);

    /// <summary>Turns expected failures into their exit codes; anything else is a bug (exit 70, with the stack trace).</summary>
    internal static async Task<int> Guard(Func<Task<int>> action, ILogger logger)
    {
        try
        {
            return await action();
        }
        catch (FunctionPackageException ex)
        {
            logger.LogError("{Message}", ex.Message);
            return ExitCodeTable.For(ex.Code);
        }
        catch (FunctionPackage.Oci.OciException ex)
        {
            logger.LogError("{Message}", ex.Message);
            return ExitCodeTable.Registry;
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Canceled.");
            return 130;
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "Unexpected error (a bug in fnpkg; please report it): {Message}", ex.Message);
            return ExitCodes.InternalError;
        }
    }
}
