using System.Text.Json;
using System.Text.Json.Nodes;
using Hello;

// A minimal custom handler: the same Kestrel settings as FunctionPackage.Host, 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT,
// POST /Hello in payload mode — Data.req.Body is the request — calling the handler directly; Outputs.res the response.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT")}");
var app = builder.Build();
var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
app.MapPost("/Hello", async (HttpContext context) =>
{
    var invocation = await JsonNode.ParseAsync(context.Request.Body);
    var request = JsonSerializer.Deserialize<GreetRequest>(invocation!["Data"]!["req"]!["Body"]!.GetValue<string>(), web)!;
    var body = JsonSerializer.Serialize(Greeter.Handle(request), web);
    return Results.Json(new JsonObject
    {
        ["Outputs"] = new JsonObject { ["res"] = new JsonObject { ["statusCode"] = "200", ["body"] = body, ["headers"] = new JsonObject { ["Content-Type"] = "application/json" } } },
        ["Logs"] = new JsonArray(),
        ["ReturnValue"] = null,
    });
});
app.Run();
