using System.Globalization;
using System.Text;
using System.Text.Json;
using FunctionPackage.Exporting.Runtime;

namespace FunctionPackage.Exporting.Targets.AzureFunctions;

/// <summary>
/// The three files the Functions host reads, rendered with a fixed member order (same request, same bytes):
/// <c>host.json</c> (the custom handler), <c>&lt;Name&gt;/function.json</c> (the bindings of the trigger) and
/// <c>local.settings.json</c> (FUNCTIONS_WORKER_RUNTIME=custom and the --env values, for <c>func start</c> and
/// <c>--publish-local-settings</c>). The host's protocol reads the same host.json and function.json (docs/host.md).
/// </summary>
internal static class AzureAppFiles
{
    public const string TriggerBindingName = "req";
    public const string HttpOutputName = "res";
    public const string QueueBindingName = "message";
    public const string EventGridBindingName = "event";
    public const string DefaultQueueConnection = "AzureWebJobsStorage";
    public const string ExtensionBundleId = "Microsoft.Azure.Functions.ExtensionBundle";
    public const string ExtensionBundleVersion = "[4.*, 5.0.0)";
    /// <summary>Added to --invocation-timeout for host.json's functionTimeout: the host times out first and answers with its code.</summary>
    public const int FunctionTimeoutMarginSeconds = 5;

    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] HostJson(string executable, IReadOnlyList<string> arguments, bool forward, double? invocationTimeoutSeconds) => Render(writer =>
    {
        writer.WriteString("version", "2.0");
        writer.WriteStartObject("customHandler");
        writer.WriteStartObject("description");
        writer.WriteString("defaultExecutablePath", executable);
        writer.WriteStartArray("arguments");
        foreach (var argument in arguments) writer.WriteStringValue(argument);
        writer.WriteEndArray();
        writer.WriteString("workingDirectory", ".");
        writer.WriteEndObject();
        writer.WriteBoolean("enableForwardingHttpRequest", forward);
        writer.WriteEndObject();
        writer.WriteStartObject("extensions");
        writer.WriteStartObject("http");
        writer.WriteString("routePrefix", "");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("extensionBundle");
        writer.WriteString("id", ExtensionBundleId);
        writer.WriteString("version", ExtensionBundleVersion);
        writer.WriteEndObject();
        if (invocationTimeoutSeconds is > 0 and var seconds)
        {
            var limit = TimeSpan.FromSeconds(Math.Ceiling(seconds) + FunctionTimeoutMarginSeconds);
            writer.WriteString("functionTimeout", limit.ToString("c", CultureInfo.InvariantCulture));
        }
    });

    public static byte[] FunctionJson(AzureFunctionsExportRequest request, IReadOnlyList<string> httpMethods, string authLevel) => Render(writer =>
    {
        writer.WriteStartArray("bindings");
        switch (request.Trigger)
        {
            case AzureTriggers.Http:
                writer.WriteStartObject();
                writer.WriteString("type", "httpTrigger");
                writer.WriteString("direction", "in");
                writer.WriteString("name", TriggerBindingName);
                writer.WriteStartArray("methods");
                foreach (var method in httpMethods) writer.WriteStringValue(method);
                writer.WriteEndArray();
                writer.WriteString("authLevel", authLevel);
                writer.WriteEndObject();
                writer.WriteStartObject();
                writer.WriteString("type", "http");
                writer.WriteString("direction", "out");
                writer.WriteString("name", HttpOutputName);
                writer.WriteEndObject();
                break;
            case AzureTriggers.Queue:
                writer.WriteStartObject();
                writer.WriteString("type", "queueTrigger");
                writer.WriteString("direction", "in");
                writer.WriteString("name", QueueBindingName);
                writer.WriteString("queueName", request.QueueName);
                writer.WriteString("connection", request.QueueConnection ?? DefaultQueueConnection);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartObject();
                writer.WriteString("type", "eventGridTrigger");
                writer.WriteString("direction", "in");
                writer.WriteString("name", EventGridBindingName);
                writer.WriteEndObject();
                break;
        }
        writer.WriteEndArray();
    });

    /// <summary>FUNCTIONS_WORKER_RUNTIME=custom, a local storage emulator connection for a queue trigger, then the --env values (a given one wins).</summary>
    public static byte[] LocalSettings(AzureFunctionsExportRequest request, RuntimeConfiguration runtime) => Render(writer =>
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["FUNCTIONS_WORKER_RUNTIME"] = "custom" };
        if (request.Trigger == AzureTriggers.Queue) values[request.QueueConnection ?? DefaultQueueConnection] = "UseDevelopmentStorage=true";
        foreach (var (name, value) in runtime.Environment) values[name] = value;
        writer.WriteBoolean("IsEncrypted", false);
        writer.WriteStartObject("Values");
        foreach (var (name, value) in values) writer.WriteString(name, value);
        writer.WriteEndObject();
    });

    private static byte[] Render(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        // Utf8JsonWriter indents with the platform's newline; the files are the same bytes everywhere.
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n");
    }
}
