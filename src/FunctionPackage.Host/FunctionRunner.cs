using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using FunctionPackage.Host.Invocation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host;

/// <summary><c>invoke</c>: one event in, the result JSON on stdout, logs on stderr, an exit code.</summary>
public static class FunctionRunner
{
    public const string DefaultEventType = "functionpackage.invoke";
    public const string DefaultEventSource = "urn:functionpackage:invoke";
    /// <summary>FPKG4050's fix in invoke: the data comes from --data.</summary>
    private const string DataFix = "Pass --data with";

    public static async Task<int> RunAsync(InvokeOptions options, CancellationToken cancellationToken)
    {
        // stdout carries only the result: whatever the function writes to Console goes to stderr.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            using var loggerFactory = LoggerFactory.Create(FunctionServer.UseStderrLogging);
            var logger = loggerFactory.CreateLogger("FunctionPackage.Host");
            return await RunAsync(options, logger, stdout, cancellationToken);
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }

    private static async Task<int> RunAsync(InvokeOptions options, ILogger logger, TextWriter stdout, CancellationToken cancellationToken)
    {
        var cloudEvent = new CloudEvent { Id = Guid.NewGuid().ToString(), DataContentType = "application/json" };
        // Checked before the function loads: a typo in an option should not cost a load.
        try
        {
            cloudEvent.Type = options.Type;
        }
        catch (ArgumentException ex)
        {
            return InvalidAttribute(HostErrorCodes.InvalidEventAttribute, options.Type, ex);
        }
        try
        {
            cloudEvent.Source = new Uri(options.Source, UriKind.RelativeOrAbsolute);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException)
        {
            return InvalidAttribute(HostErrorCodes.InvalidEventAttribute + ".Source", options.Source, ex);
        }
        int InvalidAttribute(string key, string value, Exception ex)
        {
            logger.LogError("{Message}", HostDiagnostics.Message(key, value, ex.Message));
            return HostDiagnostics.Get(HostErrorCodes.InvalidEventAttribute).ExitCode!.Value;
        }

        var data = options.Data == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : options.Data;
        var functionEvent = new FunctionEvent(cloudEvent, data is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(data));

        InstalledFunction function;
        try
        {
            function = InstalledFunction.Load(options.FunctionDirectory, logger, enterFunctionFolder: true, options.PackagesFolder);
        }
        catch (FunctionHostException ex)
        {
            logger.LogError("{Message}", ex.Message);
            return ExitCodes.LoadFailed;
        }

        using (function)
        {
            var pipeline = new InvocationPipeline(function.Invoker, options.InvocationTimeout, maxConcurrentInvocations: 0, logger, DataFix);
            var outcome = await pipeline.InvokeAsync(functionEvent, cancellationToken);
            if (!outcome.IsResult)
            {
                logger.LogError("{Message}", outcome.Status == InvocationStatus.Failure ? $"Function failed: {outcome.Detail}" : outcome.Detail);
                return ExitCode(outcome.Status);
            }
            if (pipeline.HasResult)
            {
                await stdout.WriteLineAsync(HumanReadable(pipeline.SerializeResult(outcome.Result)));
                await stdout.FlushAsync(cancellationToken);
            }
            return ExitCodes.Success;
        }
    }

    /// <summary>The one place an invocation's outcome becomes invoke's exit code (docs/host.md, Exit codes).</summary>
    internal static int ExitCode(InvocationStatus status) => status switch
    {
        InvocationStatus.Result => ExitCodes.Success,
        InvocationStatus.BadInput => ExitCodes.BadInput,
        InvocationStatus.Timeout => ExitCodes.Timeout,
        // Failure; Cancelled (Ctrl+C); Busy cannot happen: invoke runs one invocation with no bound.
        _ => ExitCodes.FunctionFailed,
    };

    /// <summary>The result JSON as served over HTTP, re-encoded with only the escapes JSON requires (same value).</summary>
    private static string HumanReadable(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream(json.Length);
        using (var writer = new Utf8JsonWriter(buffer, HostJson.HumanReadable)) document.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
