using System.CommandLine;
using FunctionPackage.Host.Protocols;

namespace FunctionPackage.Host;

/// <summary>
/// <c>FunctionPackage.Host.dll serve|invoke --function &lt;installedDir&gt; …</c>. The fnpkg CLI starts it as
/// <c>dotnet exec --additionalprobingpath &lt;root&gt;/packages FunctionPackage.Host.dll …</c>.
/// </summary>
public static class HostCommandLine
{
    public const string DefaultUrls = "http://127.0.0.1:8080";
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;
    public const double DefaultInvocationTimeoutSeconds = 30;
    /// <summary>Enough for I/O-bound functions on a small machine; bounds the threads blocking handlers can hold.</summary>
    public const int DefaultMaxConcurrentInvocations = 64;
    /// <summary>The longest <c>--invocation-timeout</c>: int.MaxValue milliseconds, about 24.8 days (a timer's limit).</summary>
    public const int MaxInvocationTimeoutSeconds = int.MaxValue / 1000;
    /// <summary>
    /// What a SIGTERM leaves in-flight requests before the host stops: below Cloud Run's 10 s between SIGTERM and SIGKILL
    /// (and Kubernetes' 30 s default terminationGracePeriodSeconds), so the host exits on its own, not killed.
    /// </summary>
    public const double DefaultDrainTimeoutSeconds = 8;

    public static RootCommand Create() => Create(FunctionServer.RunAsync);

    /// <summary><paramref name="runServe"/>: what runs a parsed <c>serve</c> (tests compare its options with <see cref="ServeRules.TryParse"/>'s).</summary>
    internal static RootCommand Create(Func<ServeOptions, CancellationToken, Task<int>> runServe)
    {
        var serve = new Command("serve", "Serve the function: over HTTP (POST / takes CloudEvents — binary, structured, batch — or plain JSON; GET /healthz), or as a vendor's runtime (--protocol).");
        var serveFunction = FunctionOption();
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, ';'-separated. Not given: in a container (K_SERVICE or DOTNET_RUNNING_IN_CONTAINER=true), http://0.0.0.0:$PORT (PORT default 8080).",
            DefaultValueFactory = _ => DefaultUrls,
        };
        urls.Validators.Add(result =>
        {
            if (ServeRules.InvalidUrl(result.GetValueOrDefault<string>()) is { } error) result.AddError(error);
        });
        var maxBody = new Option<long>("--max-request-body-bytes")
        {
            Description = "Largest request body accepted; larger requests get 413.",
            DefaultValueFactory = _ => DefaultMaxRequestBodyBytes,
        };
        var protocol = new Option<string?>("--protocol")
        {
            Description = $"The protocol to serve: {string.Join(", ", HostProtocols.All)}. Not given: aws-lambda when AWS_LAMBDA_RUNTIME_API is set, azure-functions when FUNCTIONS_CUSTOMHANDLER_PORT is set, else cloudevents-http.",
        };
        protocol.Validators.Add(result =>
        {
            if (ServeRules.InvalidProtocol(result.GetValueOrDefault<string?>()) is { } error) result.AddError(error);
        });
        var serveTimeout = TimeoutOption();
        var maxConcurrent = new Option<int>("--max-concurrent-invocations")
        {
            Description = "Invocations that may run at once (a timed-out one counts until it returns); more get 503 with Retry-After. 0 = no bound.",
            DefaultValueFactory = _ => DefaultMaxConcurrentInvocations,
        };
        maxConcurrent.Validators.Add(result =>
        {
            if (ServeRules.InvalidMaxConcurrent(result.GetValueOrDefault<int>()) is { } error) result.AddError(error);
        });
        var servePackages = PackagesOption();
        serve.Add(serveFunction);
        serve.Add(servePackages);
        serve.Add(urls);
        serve.Add(maxBody);
        serve.Add(serveTimeout);
        serve.Add(maxConcurrent);
        serve.Add(protocol);
        var drainTimeout = DrainTimeoutOption();
        serve.Add(drainTimeout);
        maxBody.Validators.Add(result =>
        {
            if (ServeRules.InvalidMaxBody(result.GetValueOrDefault<long>()) is { } error) result.AddError(error);
        });
        serve.SetAction((parse, cancellationToken) => runServe(ServeRules.Options(
            parse.GetValue(serveFunction)!.FullName,
            parse.GetResult(urls) is { Implicit: false } ? parse.GetValue(urls) : null,
            parse.GetValue(maxBody),
            parse.GetValue(serveTimeout),
            parse.GetValue(maxConcurrent),
            parse.GetValue(protocol),
            parse.GetValue(drainTimeout),
            parse.GetValue(servePackages)?.FullName), cancellationToken));

        var invoke = new Command("invoke", "Invoke the function once with one event; print only the result JSON to stdout (logs go to stderr).");
        var invokeFunction = FunctionOption();
        var data = new Option<string?>("--data")
        {
            Description = "The event data (JSON; passed as-is to string and byte[] inputs). '-' reads it from stdin. Omit for no data.",
        };
        var type = new Option<string>("--type")
        {
            Description = "The event's type attribute.",
            DefaultValueFactory = _ => FunctionRunner.DefaultEventType,
        };
        var source = new Option<string>("--source")
        {
            Description = "The event's source attribute (a URI reference).",
            DefaultValueFactory = _ => FunctionRunner.DefaultEventSource,
        };
        var invokeTimeout = TimeoutOption();
        var invokePackages = PackagesOption();
        invoke.Add(invokeFunction);
        invoke.Add(invokePackages);
        invoke.Add(data);
        invoke.Add(type);
        invoke.Add(source);
        invoke.Add(invokeTimeout);
        invoke.SetAction((parse, cancellationToken) => FunctionRunner.RunAsync(new InvokeOptions(
            parse.GetValue(invokeFunction)!.FullName,
            parse.GetValue(data),
            parse.GetValue(type)!,
            parse.GetValue(source)!,
            TimeSpan.FromSeconds(parse.GetValue(invokeTimeout)))
        {
            PackagesFolder = parse.GetValue(invokePackages)?.FullName,
        }, cancellationToken));

        return new RootCommand("FunctionPackage host: runs one installed function package (see docs/host.md).") { serve, invoke };
    }

    /// <summary>
    /// The host's command line, run to its exit code: by Program.cs, and by fnpkg when it runs the host in its own
    /// process (<c>fnpkg run</c>/<c>invoke</c>, docs/host.md). System.CommandLine must not handle SIGTERM/Ctrl+C
    /// itself: ASP.NET's host does, and drains in-flight requests.
    /// </summary>
    /// <remarks>
    /// A plain <c>serve</c> command line — what exports write (the Lambda launch file, Azure's host.json) and fnpkg
    /// passes — is read by <see cref="ServeRules.TryParse"/> without building the System.CommandLine tree (226 methods
    /// to JIT on a cold start); anything else, or anything a rule refuses, takes the full command line, which reports it.
    /// </remarks>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
        => ServeRules.TryParse(args) is { } serve ? ServeRules.RunAsync(serve, cancellationToken) : RunFullAsync(args, cancellationToken);

    // Its own method: the fast path's caller names no System.CommandLine type, so that assembly is not even loaded.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Task<int> RunFullAsync(string[] args, CancellationToken cancellationToken)
        => Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellationToken);

    /// <summary>The <c>--urls</c> entries, as Kestrel reads them.</summary>
    public static string[] SplitUrls(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Option<DirectoryInfo> FunctionOption() => new("--function")
    {
        Description = "The installed function folder: <root>/functions/<id>/<version> (holds function.json and function/).",
        Required = true,
    };

    private static Option<DirectoryInfo?> PackagesOption() => new("--packages")
    {
        Description = "The install root's packages folder (<root>/packages), for a process not started with "
            + "'dotnet exec --additionalprobingpath <root>/packages': the function's package assets are then found from function.json.",
    };

    private static Option<double> DrainTimeoutOption()
    {
        var option = new Option<double>("--drain-timeout")
        {
            Description = "Seconds a SIGTERM leaves in-flight requests to finish (no new ones are taken) before the host stops and exits 0; "
                + "keep it below the platform's grace period (Cloud Run: 10 s; Kubernetes/Knative: terminationGracePeriodSeconds). 0 = stop at once.",
            DefaultValueFactory = _ => DefaultDrainTimeoutSeconds,
        };
        option.Validators.Add(result =>
        {
            if (ServeRules.InvalidDrainTimeout(result.GetValueOrDefault<double>()) is { } error) result.AddError(error);
        });
        return option;
    }

    private static Option<double> TimeoutOption()
    {
        var option = new Option<double>("--invocation-timeout")
        {
            Description = "Seconds one invocation may take before it is cancelled (HTTP 504); 0 = no limit.",
            DefaultValueFactory = _ => DefaultInvocationTimeoutSeconds,
        };
        option.Validators.Add(result =>
        {
            if (ServeRules.InvalidInvocationTimeout(result.GetValueOrDefault<double>()) is { } error) result.AddError(error);
        });
        return option;
    }
}

/// <summary><paramref name="Urls"/>: null when <c>--urls</c> was not given (the default depends on the container, <see cref="ContainerEnvironment"/>).</summary>
/// <paramref name="Protocol"/>: one of <see cref="HostProtocols.All"/>, already resolved (<see cref="HostProtocols.Resolve"/>).
public sealed record ServeOptions(string FunctionDirectory, string? Urls, long MaxRequestBodyBytes, TimeSpan InvocationTimeout, int MaxConcurrentInvocations,
    string Protocol = HostProtocols.CloudEventsHttp)
{
    /// <summary>How long a SIGTERM leaves in-flight requests (<c>--drain-timeout</c>); ASP.NET's HostOptions.ShutdownTimeout.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(HostCommandLine.DefaultDrainTimeoutSeconds);

    /// <summary><c>--packages</c>: null when the process's probing paths find the function's packages.</summary>
    public string? PackagesFolder { get; init; }
}

public sealed record InvokeOptions(string FunctionDirectory, string? Data, string Type, string Source, TimeSpan InvocationTimeout)
{
    /// <summary><c>--packages</c>: null when the process's probing paths find the function's packages.</summary>
    public string? PackagesFolder { get; init; }
}
