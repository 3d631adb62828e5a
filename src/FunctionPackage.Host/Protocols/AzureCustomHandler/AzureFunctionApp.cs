using System.Globalization;
using System.Text.Json;

namespace FunctionPackage.Host.Protocols.AzureCustomHandler;

/// <param name="Name">The function's name: its folder, and the path it is invoked at.</param>
/// <summary>One function of the app: a folder <c>&lt;Name&gt;/function.json</c> at the app root, as the Functions host reads it.</summary>
/// <param name="TriggerType">The <c>type</c> of its trigger binding (<c>httpTrigger</c>, <c>queueTrigger</c>, <c>eventGridTrigger</c>, …).</param>
/// <param name="TriggerName">The trigger binding's <c>name</c>: the key of its value in the invocation's <c>Data</c>.</param>
/// <param name="HttpOutput">The name of its <c>http</c> output binding (<c>res</c>, or <c>$return</c>), null when it has none.</param>
/// <param name="Outputs">Its other output bindings' names: each gets the function's result.</param>
/// <param name="ForwardedRoute">With <c>enableForwardingHttpRequest</c> and only http bindings: the path the original request is
/// forwarded to (<c>/&lt;routePrefix&gt;/&lt;route or Name&gt;</c>); null in payload mode.</param>
/// <param name="Methods">The HTTP trigger's <c>methods</c> (upper case); empty = any.</param>
public sealed record AzureFunction(string Name, string TriggerType, string TriggerName, string? HttpOutput, IReadOnlyList<string> Outputs,
    string? ForwardedRoute, IReadOnlyList<string> Methods)
{
    public const string HttpTrigger = "httpTrigger";
    public const string EventGridTrigger = "eventGridTrigger";
    public const string ReturnBinding = "$return";

    public bool IsHttp => TriggerType.Equals(HttpTrigger, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The Functions app the host serves as a custom handler: the port from <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, and the
/// functions from the app root (<c>FUNCTIONS_APP_ROOT_PATH</c>, else the current directory): <c>host.json</c>'s
/// <c>customHandler.enableForwardingHttpRequest</c> and <c>extensions.http.routePrefix</c>, and every
/// <c>&lt;Name&gt;/function.json</c>. The handler reads the files the Functions host reads, so both agree on names and modes.
/// </summary>
public sealed record AzureFunctionApp(string Root, int Port, bool ForwardHttpRequests, IReadOnlyList<AzureFunction> Functions)
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string AppRootVariable = "FUNCTIONS_APP_ROOT_PATH";
    /// <summary>The Functions host's default <c>routePrefix</c> when host.json sets none.</summary>
    public const string DefaultRoutePrefix = "api";

    public string ListenUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads the port and the app; FPKG4200 (port) or FPKG4201 (app files) when they are not usable.</summary>
    public static AzureFunctionApp Load(Func<string, string?> environment)
    {
        var portText = environment(PortVariable);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw HostDiagnostics.Error(HostErrorCodes.AzurePortNotSet, portText ?? "(unset)");
        }
        var root = Path.GetFullPath(environment(AppRootVariable) is { Length: > 0 } given ? given : Directory.GetCurrentDirectory());
        var hostJson = Path.Combine(root, "host.json");
        if (!File.Exists(hostJson)) throw HostDiagnostics.Error(HostErrorCodes.AzureAppInvalid, root, "it has no host.json");
        using var host = Parse(hostJson, root);
        var forward = host.RootElement.TryGetProperty("customHandler", out var handler) && handler.ValueKind == JsonValueKind.Object
            && handler.TryGetProperty("enableForwardingHttpRequest", out var flag) && flag.ValueKind == JsonValueKind.True;
        var routePrefix = DefaultRoutePrefix;
        if (host.RootElement.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object
            && extensions.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object
            && http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String)
        {
            routePrefix = prefix.GetString()!;
        }

        var functions = new List<AzureFunction>();
        // Ordinal order: the same app gives the same routes, and the log names them in the same order.
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(folder, "function.json");
            if (File.Exists(file)) functions.Add(ReadFunction(Path.GetFileName(folder), file, root, forward, routePrefix));
        }
        if (functions.Count == 0) throw HostDiagnostics.Error(HostErrorCodes.AzureAppInvalid, root, "no folder holds a function.json");
        return new AzureFunctionApp(root, port, forward, functions);
    }

    private static JsonDocument Parse(string file, string root)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw HostDiagnostics.Error(ex, HostErrorCodes.AzureAppInvalid, root, $"{Path.GetRelativePath(root, file)} is not valid JSON ({ex.Message})");
        }
    }

    private static AzureFunction ReadFunction(string name, string file, string root, bool forward, string routePrefix)
    {
        using var document = Parse(file, root);
        var where = Path.GetRelativePath(root, file);
        if (!document.RootElement.TryGetProperty("bindings", out var bindings) || bindings.ValueKind != JsonValueKind.Array)
        {
            throw HostDiagnostics.Error(HostErrorCodes.AzureAppInvalid, root, $"{where} has no \"bindings\" array");
        }
        (string Type, string Name, JsonElement Binding)? trigger = null;
        string? httpOutput = null;
        var outputs = new List<string>();
        var onlyHttp = true;
        foreach (var binding in bindings.EnumerateArray())
        {
            var type = Text(binding, "type");
            var bindingName = Text(binding, "name");
            var direction = Text(binding, "direction");
            if (type is null || bindingName is null) throw HostDiagnostics.Error(HostErrorCodes.AzureAppInvalid, root, $"{where} has a binding without \"type\" and \"name\"");
            var isHttp = type.Equals(AzureFunction.HttpTrigger, StringComparison.OrdinalIgnoreCase) || type.Equals("http", StringComparison.OrdinalIgnoreCase);
            onlyHttp &= isHttp;
            if (type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                if (trigger is not null) throw HostDiagnostics.Error(HostErrorCodes.AzureAppInvalid, root, $"{where} has two trigger bindings");
                trigger = (type, bindingName, binding.Clone());
            }
            else if ("out".Equals(direction, StringComparison.OrdinalIgnoreCase))
            {
                if (isHttp) httpOutput = bindingName; else outputs.Add(bindingName);
            }
        }
        if (trigger is not { } found) throw HostDiagnostics.Error(HostErrorCodes.AzureAppInvalid, root, $"{where} has no trigger binding (a type ending in \"Trigger\")");

        var methods = found.Binding.TryGetProperty("methods", out var listed) && listed.ValueKind == JsonValueKind.Array
            ? listed.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!.ToUpperInvariant()).ToArray()
            : Array.Empty<string>();
        string? forwardedRoute = null;
        if (forward && onlyHttp && found.Type.Equals(AzureFunction.HttpTrigger, StringComparison.OrdinalIgnoreCase))
        {
            var route = Text(found.Binding, "route") ?? name;
            forwardedRoute = "/" + string.Join('/', new[] { routePrefix.Trim('/'), route.Trim('/') }.Where(p => p.Length > 0));
        }
        return new AzureFunction(name, found.Type, found.Name, httpOutput, outputs, forwardedRoute, methods);
    }

    private static string? Text(JsonElement element, string property)
        => element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
