using Hello;

// Same Kestrel and logging settings as FunctionPackage.Host serve; the handler is called directly by a minimal API.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();
app.MapPost("/", (GreetRequest request) => Greeter.Handle(request));
app.Run();
