using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
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
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = new CloudEvent
            {
                Id = Guid.NewGuid().ToString(),
                Type = options.Type,
                Source = new Uri(options.Source, UriKind.RelativeOrAbsolute),
                DataContentType = "application/json",
            };
        }
        catch (ArgumentException ex)
        {
            logger.LogError("Invalid --type or --source: {Message}", ex.Message);
            return ExitCodes.BadInput;
        }
        var data = options.Data == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : options.Data;
        var functionEvent = new FunctionEvent(cloudEvent, data is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(data));

        InstalledFunction function;
        try
        {
            function = InstalledFunction.Load(options.FunctionDirectory, logger, enterFunctionFolder: true);
        }
        catch (FunctionHostException ex)
        {
            logger.LogError("{Message}", ex.Message);
            return ExitCodes.LoadFailed;
        }

        using (function)
        {
            var handler = new FunctionRequestHandler(function, maxBodyBytes: 0, options.InvocationTimeout, maxConcurrentInvocations: 0, logger, DataFix);
            var outcome = await handler.InvokeAsync(functionEvent, cancellationToken);
            if (outcome.Problem is { } problem)
            {
                logger.LogError("{Message}", problem.Code is null ? $"{problem.Title}: {problem.Detail}" : problem.Detail);
                return problem.Status switch
                {
                    400 => ExitCodes.BadInput,
                    504 => ExitCodes.Timeout,
                    _ => ExitCodes.FunctionFailed,
                };
            }
            if (function.Invoker.HasResult)
            {
                await stdout.WriteLineAsync(HumanReadable(function.Invoker.SerializeResult(outcome.Result)));
                await stdout.FlushAsync(cancellationToken);
            }
            return ExitCodes.Success;
        }
    }

    /// <summary>The result JSON as served over HTTP, re-encoded with only the escapes JSON requires (same value).</summary>
    private static string HumanReadable(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream(json.Length);
        using (var writer = new Utf8JsonWriter(buffer, FunctionRequestHandler.HumanReadableJson)) document.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
