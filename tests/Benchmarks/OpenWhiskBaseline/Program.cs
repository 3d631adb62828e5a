using System.Text.Json;
using CloudNative.CloudEvents;
using Inventory;

// The action proxy contract: /init once (502 after), /run's `value` is the handler's input, the result its JSON (502
// {"error"} on failure), the activation's end marked on stdout and stderr. Same Kestrel and logging settings as the host.
const string Sentinel = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.WebHost.UseUrls($"http://0.0.0.0:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
var app = builder.Build();
var initialized = 0;
app.MapPost("/init", () => Interlocked.Exchange(ref initialized, 1) == 0
    ? Results.Json(new { ok = true })
    : Results.Json(new { error = "Cannot initialize the action more than once." }, statusCode: 502));
app.MapPost("/run", async (HttpRequest request) =>
{
    var run = await JsonDocument.ParseAsync(request.Body);
    try
    {
        var cloudEvent = new CloudEvent
        {
            Id = run.RootElement.GetProperty("activation_id").GetString(),
            Source = new Uri(run.RootElement.GetProperty("action_name").GetString()!, UriKind.RelativeOrAbsolute),
            Type = "org.apache.openwhisk.run",
            DataContentType = "application/json",
            Data = run.RootElement.GetProperty("value"),
        };
        return Results.Json(await StockHandler.HandleAsync(cloudEvent, request.HttpContext.RequestAborted));
    }
    catch (Exception e)
    {
        return Results.Json(new { error = e.Message }, statusCode: 502);
    }
    finally
    {
        Console.Out.WriteLine(Sentinel);
        Console.Error.WriteLine(Sentinel);
    }
});
app.Run();
