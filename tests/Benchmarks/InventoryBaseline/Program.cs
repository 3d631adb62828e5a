using System.Text.Json;
using CloudNative.CloudEvents;
using Inventory;

// Same Kestrel and logging settings as FunctionPackage.Host serve; a binary-mode CloudEvent (ce-* headers, JSON data)
// is read by hand and the handler called directly, answered as a binary-mode reply event like the host's.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();
app.MapPost("/", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    var headers = request.Headers;
    var type = headers["ce-type"].ToString();
    var cloudEvent = new CloudEvent
    {
        Id = headers["ce-id"].ToString(),
        Source = new Uri(headers["ce-source"].ToString(), UriKind.RelativeOrAbsolute),
        Type = type,
        DataContentType = request.ContentType,
        Data = (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken)).RootElement,
    };
    var report = await StockHandler.HandleAsync(cloudEvent, cancellationToken);
    var response = request.HttpContext.Response;
    response.Headers["ce-specversion"] = "1.0";
    response.Headers["ce-id"] = cloudEvent.Id;
    response.Headers["ce-source"] = cloudEvent.Source.ToString();
    response.Headers["ce-type"] = type + ".response";
    return Results.Json(report);
});
app.Run();
