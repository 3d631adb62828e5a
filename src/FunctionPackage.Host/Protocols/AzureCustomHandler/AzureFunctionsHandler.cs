using FunctionPackage.Host.Invocation;
using FunctionPackage.Host.Protocols.CloudEventsHttp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Protocols.AzureCustomHandler;

/// <summary>
/// The Azure Functions custom handler (<c>serve --protocol azure-functions</c>): Kestrel on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT
/// and, for each function of the app (<see cref="AzureFunctionApp"/>), <c>POST /&lt;Name&gt;</c> in payload mode —
/// <c>{"Data","Metadata"}</c> in (<see cref="AzureInvocation"/>), the <see cref="InvocationPipeline"/>, <c>{"Outputs","Logs","ReturnValue"}</c>
/// out (<see cref="AzureOutcomes"/>) — or, for an HTTP-only function with <c>enableForwardingHttpRequest</c>, the
/// original request forwarded as is to its route, answered as <c>cloudevents-http</c> answers <c>POST /</c>.
/// </summary>
public sealed class AzureFunctionsHandler
{
    /// <summary>The Functions host's id of one invocation: the event's id.</summary>
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";
    /// <summary>FPKG4050's fix on Azure (the pipeline's <c>dataFix</c>).</summary>
    public const string DataFix = "Send the trigger's data (the HTTP body, the queue message, the event's data) as";

    private readonly AzureFunction _function;
    private readonly InvocationPipeline _pipeline;
    private readonly long _maxBodyBytes;
    private readonly ILogger _logger;

    public AzureFunctionsHandler(AzureFunction function, InvocationPipeline pipeline, long maxBodyBytes, ILogger logger)
    {
        _function = function;
        _pipeline = pipeline;
        _maxBodyBytes = maxBodyBytes;
        _logger = logger;
    }

    /// <summary>Maps every function of <paramref name="app"/> onto <paramref name="routes"/>.</summary>
    public static void Map(IEndpointRouteBuilder routes, AzureFunctionApp app, InvocationPipeline pipeline, Uri source, long maxBodyBytes, ILogger logger)
    {
        foreach (var function in app.Functions)
        {
            if (function.ForwardedRoute is { } route)
            {
                var forwarded = new CloudEventsHttpHandler(pipeline, source, maxBodyBytes, logger).HandleAsync;
                if (function.Methods.Count == 0) routes.Map(route, forwarded); else routes.MapMethods(route, function.Methods, forwarded);
                logger.LogInformation("Function {Name} ({Trigger}): forwarded HTTP requests at {Route}.", function.Name, function.TriggerType, route);
            }
            else
            {
                routes.MapPost("/" + function.Name, new AzureFunctionsHandler(function, pipeline, maxBodyBytes, logger).HandleAsync);
                logger.LogInformation("Function {Name} ({Trigger} {Binding}): invocations at POST /{Name}.", function.Name, function.TriggerType, function.TriggerName, function.Name);
            }
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        byte[] body;
        try
        {
            body = await CloudEventsHttpHandler.ReadBodyAsync(context.Request, _maxBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, AzureOutcomes.Failed(ex.StatusCode, ex.Message));
            return;
        }

        FunctionEvent functionEvent;
        try
        {
            functionEvent = AzureInvocation.Decode(_function, body, context.Request.Headers[InvocationIdHeader].ToString());
        }
        catch (AzureRequestException ex)
        {
            _logger.LogInformation("Rejected an invocation request: {Detail}", ex.Message);
            await WriteAsync(context, AzureOutcomes.Failed(StatusCodes.Status400BadRequest, ex.Message));
            return;
        }

        var outcome = await _pipeline.InvokeAsync(functionEvent, context.RequestAborted);
        if (outcome.Status == InvocationStatus.BadInput) _logger.LogInformation("Rejected event {EventId}: {Detail}", functionEvent.CloudEvent.Id, outcome.Detail);
        if (AzureOutcomes.ToAnswer(_function, outcome, _pipeline) is { } answer) await WriteAsync(context, answer);
    }

    private static Task WriteAsync(HttpContext context, AzureAnswer answer)
    {
        var response = context.Response;
        if (response.HasStarted) return Task.CompletedTask;
        response.StatusCode = answer.Status;
        response.ContentType = "application/json";
        response.ContentLength = answer.Body.Length;
        return response.Body.WriteAsync(answer.Body).AsTask();
    }
}
