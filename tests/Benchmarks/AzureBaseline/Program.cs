using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using Inventory;

// The same Kestrel and logging settings as FunctionPackage.Host, 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT; POST /Inventory
// in payload mode (Data.req.Body is the caller's body) calls the handler directly and answers Outputs.res.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT")}");
var app = builder.Build();
var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
app.MapPost("/Inventory", async (HttpContext context) =>
{
    var invocation = await JsonNode.ParseAsync(context.Request.Body);
    var cloudEvent = new CloudEvent
    {
        Id = context.Request.Headers["X-Azure-Functions-InvocationId"].ToString(),
        Source = new Uri("urn:azure-baseline:Inventory"),
        Type = "com.microsoft.azure.functions.http",
        DataContentType = "application/json",
        Data = JsonDocument.Parse(invocation!["Data"]!["req"]!["Body"]!.GetValue<string>()).RootElement,
    };
    var body = JsonSerializer.Serialize(await StockHandler.HandleAsync(cloudEvent, context.RequestAborted), web);
    return Results.Json(new JsonObject
    {
        ["Outputs"] = new JsonObject { ["res"] = new JsonObject { ["statusCode"] = "200", ["body"] = body, ["headers"] = new JsonObject { ["Content-Type"] = "application/json" } } },
        ["Logs"] = new JsonArray(),
        ["ReturnValue"] = null,
    });
});
app.Run();
