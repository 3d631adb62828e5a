using System.Runtime.CompilerServices;
using System.Net.Sockets;
using FunctionPackage.Host.Invocation;
using FunctionPackage.Host.Protocols;
using FunctionPackage.Host.Protocols.AzureCustomHandler;
using FunctionPackage.Host.Protocols.CloudEventsHttp;
using FunctionPackage.Host.Protocols.LambdaRuntimeApi;
using FunctionPackage.Host.Protocols.OpenWhiskActionProxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FunctionPackage.Host;

/// <summary><c>serve</c>: Kestrel with two endpoints, <c>POST /</c> and <c>GET /healthz</c>.</summary>
public static class FunctionServer
{
    // A protocol that is a client of the vendor's API, not a server: no Kestrel at all. Dispatched in a method that names
    // no ASP.NET Core type, so compiling it loads none of Kestrel, Hosting or Routing (a Lambda cold start pays for each).
    public static Task<int> RunAsync(ServeOptions options, CancellationToken stopping = default) =>
        options.Protocol == HostProtocols.AwsLambda ? LambdaRuntimeClient.RunAsync(options, stopping) : ServeHttpAsync(options, stopping);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> ServeHttpAsync(ServeOptions options, CancellationToken stopping)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // no per-request log lines
        // A startup fault is reported below as one coded line; the generic host would log it again with its stack.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        var openWhisk = options.Protocol == HostProtocols.OpenWhisk;
        if (openWhisk) ActivationLog.UseLineLogging(builder.Logging); // its log lines must precede each activation's sentinel
        else UseStderrLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        // The drain window after SIGTERM: Kestrel stops accepting at once and aborts what is still open when it ends.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout);
        // A handler that blocks holds a pool thread until it returns, timed out or not: while the pool is starved, its
        // floor goes above the invocation bound, so Kestrel, /healthz and the timeout timers get a thread at once.
        using var starvationGuard = options.MaxConcurrentInvocations > 0 ? new ThreadPoolStarvationGuard(options.MaxConcurrentInvocations) : null;

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionPackage.Host");

        string[] urls;
        InstalledFunction? function = null;
        FunctionHostException? loadFailure = null;
        AzureFunctionApp? azureApp = null;
        try
        {
            // Both checked before anything listens; the addresses first: they are cheaper than a load.
            var container = ContainerEnvironment.FromProcess();
            // A custom handler listens where the Functions host says, and serves the functions of the app it reads.
            if (options.Protocol == HostProtocols.AzureFunctions) azureApp = AzureFunctionApp.Load(Environment.GetEnvironmentVariable);
            urls = HostCommandLine.SplitUrls(options.Urls ?? azureApp?.ListenUrl ?? ContainerEnvironment.DefaultUrls(container));
            if (container is not null && azureApp is null)
            {
                logger.LogInformation("In a container: K_SERVICE={Service} K_REVISION={Revision} K_CONFIGURATION={Configuration}; listening on {Urls}{Given}.",
                    container.Service ?? "(unset)", container.Revision ?? "(unset)", container.Configuration ?? "(unset)", string.Join(';', urls),
                    options.Urls is null ? " (all interfaces, PORT)" : " (--urls)");
            }
            try
            {
                function = InstalledFunction.Load(options.FunctionDirectory, logger, enterFunctionFolder: true, options.PackagesFolder);
            }
            catch (FunctionHostException ex) when (openWhisk)
            {
                // OpenWhisk reads an action that cannot start from /init's answer: listen, and answer it there.
                logger.LogError("{Message}", ex.Message);
                loadFailure = ex;
            }
        }
        catch (FunctionHostException ex)
        {
            logger.LogError("{Message}", ex.Message);
            await app.DisposeAsync();
            return ExitCodes.LoadFailed;
        }
        // Added to the server's addresses, these win over ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS (the .NET images set them).
        foreach (var url in urls) app.Urls.Add(url);

        using (function)
        {
            // The protocol the host speaks (Protocols/<Name>/); a load failure reaches here only under openwhisk.
            // The CloudEvents pipeline's running count goes into the drain's log; the OpenWhisk proxy keeps its own.
            InvocationPipeline? pipeline = null;
            if (openWhisk) new OpenWhiskActionProxy(function, loadFailure, options, logger).Map(app);
            else pipeline = MapCloudEventsHttp(app, function!, options, azureApp, logger);
            try
            {
                await app.StartAsync();
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                logger.LogError("{Message}", CannotListen(ex, urls));
                await app.DisposeAsync();
                return ExitCodes.LoadFailed;
            }
            var drain = new SigtermDrain(pipeline, options.DrainTimeout, logger);
            // The caller's token (fnpkg running the host in its own process) stops it as SIGTERM does.
            using (stopping.Register(app.Lifetime.StopApplication))
            using (app.Lifetime.ApplicationStopping.Register(drain.Started))
            {
                await app.WaitForShutdownAsync();
            }
            drain.Finished();
            await app.DisposeAsync();
        }
        return ExitCodes.Success;
    }

    /// <summary><c>POST /</c> (CloudEvents over HTTP) — or, for an Azure Functions app, its functions' routes — and <c>GET /healthz</c>.</summary>
    private static InvocationPipeline MapCloudEventsHttp(WebApplication app, InstalledFunction function, ServeOptions options, AzureFunctionApp? azureApp, ILogger logger)
    {
        var pipeline = new InvocationPipeline(function.Invoker, options.InvocationTimeout, options.MaxConcurrentInvocations, logger,
            azureApp is null ? CloudEventsHttpHandler.HttpDataFix : AzureFunctionsHandler.DataFix);
        var health = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"status\":\"healthy\",\"id\":{System.Text.Json.JsonSerializer.Serialize(function.Manifest.Id)},\"version\":{System.Text.Json.JsonSerializer.Serialize(function.Manifest.Version)}}}");
        if (azureApp is not null) AzureFunctionsHandler.Map(app, azureApp, pipeline, function.Source, options.MaxRequestBodyBytes, logger);
        else app.MapPost("/", new CloudEventsHttpHandler(pipeline, function.Source, options.MaxRequestBodyBytes, logger).HandleAsync);
        app.MapGet("/healthz", context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = health.Length;
            return context.Response.Body.WriteAsync(health).AsTask();
        });
        return pipeline;
    }

    /// <summary>
    /// One line per log entry, all on stderr: stdout stays the function's own output channel (its Console.Out), in
    /// serve as in invoke.
    /// </summary>
    internal static void UseStderrLogging(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(console => console.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>FPKG4052 for Kestrel's bind failure (it names the address in its message; in use → AddressInUseException).</summary>
    private static string CannotListen(Exception ex, string[] urls)
    {
        var url = urls.FirstOrDefault(u => ex.Message.Contains(u.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) ?? string.Join(';', urls);
        if (ex is AddressInUseException || ex.InnerException is AddressInUseException)
        {
            return HostDiagnostics.Message(HostErrorCodes.CannotListen + ".InUse", url);
        }
        var reason = (ex.InnerException ?? ex).Message.TrimEnd('.'); // e.g. "Cannot assign requested address", "Permission denied"
        if (reason.Length == 0) reason = (ex.InnerException ?? ex).GetType().Name;
        return HostDiagnostics.Message(HostErrorCodes.CannotListen, url, $"{char.ToLowerInvariant(reason[0])}{reason[1..]}", HostCommandLine.DefaultUrls);
    }
}
