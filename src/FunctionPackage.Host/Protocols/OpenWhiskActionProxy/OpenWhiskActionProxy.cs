using System.Text.Json;
using CloudNative.CloudEvents;
using FunctionPackage.Host.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Protocols.OpenWhiskActionProxy;

/// <summary>
/// The Apache OpenWhisk action proxy (<c>serve --protocol openwhisk</c>), as a docker action's image implements it:
/// <c>POST /init</c> once (the function is baked into the image: init carries no code, only <c>env</c>), then
/// <c>POST /run</c> per activation — <c>value</c> is the event data, every other key of the body becomes <c>__OW_&lt;KEY&gt;</c>,
/// <c>deadline</c> bounds the invocation. Answers: 200 with the result object, else 502 <c>{"error": …}</c>
/// (<see cref="OpenWhiskOutcomes"/>). Every activation's logs end with <see cref="ActivationLog.Sentinel"/>.
/// </summary>
public sealed class OpenWhiskActionProxy
{
    public const string EventType = "org.apache.openwhisk.activation";
    public const string EventSource = "urn:functionpackage:openwhisk";
    /// <summary>FPKG4050's fix on OpenWhisk (the pipeline's <c>dataFix</c>).</summary>
    public const string DataFix = "Invoke the action with parameters that are";
    /// <summary>The run body's context keys become the environment variables <c>__OW_&lt;KEY&gt;</c> (the contract's prefix).</summary>
    public const string ContextPrefix = "__OW_";

    private static readonly Uri DefaultSource = new(EventSource);

    private readonly InvocationPipeline? _pipeline;
    private readonly FunctionHostException? _loadFailure;
    private readonly TimeSpan _hostTimeout;
    private readonly ILogger _logger;
    private readonly HashSet<string> _contextVariables = new(StringComparer.Ordinal);
    private int _initCalls;
    private volatile bool _initialized;

    /// <summary>
    /// <paramref name="function"/>: the loaded function, or null when it failed to load — then <paramref name="loadFailure"/>
    /// is <c>/init</c>'s answer, as the contract reports an action that cannot initialize.
    /// </summary>
    public OpenWhiskActionProxy(InstalledFunction? function, FunctionHostException? loadFailure, ServeOptions options, ILogger logger)
    {
        _pipeline = function is null ? null : new InvocationPipeline(function.Invoker, options.InvocationTimeout, options.MaxConcurrentInvocations, logger, DataFix);
        _loadFailure = loadFailure;
        _hostTimeout = options.InvocationTimeout;
        _logger = logger;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/init", InitAsync);
        app.MapPost("/run", RunAsync);
    }

    internal async Task InitAsync(HttpContext context)
    {
        // The contract: the invoker calls /init exactly once per container; a second call is an error, whatever its body.
        if (Interlocked.Increment(ref _initCalls) > 1)
        {
            await FailInitAsync(context, HostDiagnostics.Message(HostErrorCodes.OpenWhiskAlreadyInitialized));
            return;
        }
        if (_loadFailure is not null)
        {
            await FailInitAsync(context, _loadFailure.Message);
            return;
        }
        using var body = await ReadObjectAsync(context, "/init");
        if (body is null) return;
        var value = body.RootElement.TryGetProperty("value", out var v) ? v : default;
        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            await FailInitAsync(context, HostDiagnostics.Message(HostErrorCodes.OpenWhiskInvalidBody, "/init", $"its value is a JSON {Kind(value)}"));
            return;
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            // A docker action created with code (wsk action create --docker img code.zip) expects the image to run it:
            // this image runs the function package built into it, so such code would be silently ignored.
            if (value.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.Length > 0)
            {
                await FailInitAsync(context, HostDiagnostics.Message(HostErrorCodes.OpenWhiskCodeNotAccepted));
                return;
            }
            // Init parameters (and the platform's own) arrive as env: the process environment of every activation.
            if (value.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.Object)
            {
                foreach (var variable in env.EnumerateObject()) Environment.SetEnvironmentVariable(variable.Name, Text(variable.Value));
            }
        }
        _initialized = true;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync("{\"ok\":true}"u8.ToArray());
    }

    internal async Task RunAsync(HttpContext context)
    {
        try
        {
            if (!_initialized || _pipeline is null)
            {
                await WriteErrorAsync(context, HostDiagnostics.Message(HostErrorCodes.OpenWhiskNotInitialized));
                return;
            }
            using var body = await ReadObjectAsync(context, "/run");
            if (body is null) return;
            var root = body.RootElement;
            string? activationId = null, actionName = null, deadline = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // Activations do not overlap (the contract); the lock only keeps the set whole if an invoker sends them at once.
            lock (_contextVariables)
            {
                foreach (var property in root.EnumerateObject())
                {
                    if (property.NameEquals("value")) continue;
                    var name = ContextPrefix + property.Name.ToUpperInvariant();
                    Environment.SetEnvironmentVariable(name, Text(property.Value));
                    seen.Add(name);
                    if (property.NameEquals("activation_id")) activationId = Text(property.Value);
                    else if (property.NameEquals("action_name")) actionName = Text(property.Value);
                    else if (property.NameEquals("deadline")) deadline = Text(property.Value);
                }
                // The context is this activation's: a key the previous one had and this one lacks must not linger.
                foreach (var stale in _contextVariables.Where(name => !seen.Contains(name)).ToList()) Environment.SetEnvironmentVariable(stale, null);
                _contextVariables.Clear();
                _contextVariables.UnionWith(seen);
            }

            var data = root.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null
                ? JsonSerializer.SerializeToUtf8Bytes(value)
                : null;
            var source = Uri.TryCreate(actionName, UriKind.RelativeOrAbsolute, out var action) && actionName!.Length > 0 ? action : DefaultSource;
            var cloudEvent = new CloudEvent
            {
                Id = string.IsNullOrEmpty(activationId) ? Guid.NewGuid().ToString("N") : activationId,
                Source = source,
                Type = EventType,
                DataContentType = data is null ? null : "application/json",
            };
            var (limit, deadlineFirst) = InvocationDeadline.Limit(deadline, _hostTimeout);
            var outcome = await _pipeline.InvokeAsync(new FunctionEvent(cloudEvent, data), context.RequestAborted, limit);
            if (OpenWhiskOutcomes.ToAnswer(outcome, _pipeline, deadlineFirst, limit) is not { } answer) return; // the invoker went away
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = answer.Body.Length;
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }
        finally
        {
            ActivationLog.WriteSentinels();
        }
    }

    /// <summary>A failed /init: its error answered and logged, and the log framed, since the invoker reads the logs of a failed init.</summary>
    private async Task FailInitAsync(HttpContext context, string message)
    {
        _logger.LogError("{Message}", message);
        await WriteErrorAsync(context, message);
        ActivationLog.WriteSentinels();
    }

    /// <summary>The request body as a JSON object, or null after answering FPKG4252 (and framing the log for /init).</summary>
    private async Task<JsonDocument?> ReadObjectAsync(HttpContext context, string route)
    {
        JsonDocument? document = null;
        string? problem;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            problem = document.RootElement.ValueKind == JsonValueKind.Object ? null : $"it is a JSON {Kind(document.RootElement)}, not an object";
        }
        catch (JsonException ex)
        {
            problem = $"it is not JSON ({ex.Message})";
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem = $"it is larger than --max-request-body-bytes ({context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes; export with a larger --max-request-body-bytes)";
        }
        if (problem is null) return document;
        document?.Dispose();
        var message = HostDiagnostics.Message(HostErrorCodes.OpenWhiskInvalidBody, route, problem);
        if (route == "/init") await FailInitAsync(context, message);
        else await WriteErrorAsync(context, message);
        return null;
    }

    private static Task WriteErrorAsync(HttpContext context, string message)
    {
        var body = OpenWhiskOutcomes.Error(message);
        context.Response.StatusCode = OpenWhiskOutcomes.ErrorStatus;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>An environment value: a string as is, null as unset, any other JSON as its text (a number's digits).</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
