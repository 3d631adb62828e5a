using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionPackage.Testing;

/// <summary>What an action proxy answered: the status and the body (JSON when it is JSON).</summary>
public sealed record OpenWhiskAnswer(int Status, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The <c>error</c> member of a failure's body.</summary>
    public string Error => Json.GetProperty("error").GetString()!;

    public override string ToString() => $"{Status} {Body}";
}

/// <summary>
/// The OpenWhisk invoker's side of the action proxy protocol, written from the contract (apache/openwhisk
/// docs/actions-new.md "Action Interface"; /work/shared/design/vendor-contracts.md): it waits for the container's
/// port, <c>POST /init</c> with <c>{"value":{"name","main","code","binary","env"}}</c> (a docker action: no code),
/// then <c>POST /run</c> with <c>value</c> and the activation context (<c>namespace</c>, <c>action_name</c>,
/// <c>activation_id</c>, <c>transaction_id</c>, <c>deadline</c> as epoch ms, <c>api_host</c>, <c>api_key</c>).
/// </summary>
public sealed class OpenWhiskInvoker : IDisposable
{
    public const string Sentinel = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";
    public const string Namespace = "guest";
    public const string ApiKey = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

    private readonly HttpClient _http;

    public OpenWhiskInvoker(Uri baseAddress, string actionName = "greeter")
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        ActionName = $"/{Namespace}/{actionName}";
    }

    public string ActionName { get; }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// <c>/init</c> as the invoker sends it for a docker action, retried while nothing listens yet (the invoker polls
    /// a starting container the same way) for up to <paramref name="startLimit"/>.
    /// </summary>
    public async Task<OpenWhiskAnswer> InitAsync(TimeSpan startLimit, JsonObject? env = null, string? code = null)
    {
        var value = new JsonObject { ["name"] = ActionName.Split('/')[^1], ["main"] = "main", ["binary"] = false, ["env"] = env ?? new JsonObject() };
        if (code is not null) value["code"] = code;
        var body = new JsonObject { ["value"] = value }.ToJsonString();
        var started = DateTime.UtcNow;
        while (true)
        {
            try
            {
                return await PostAsync("init", body);
            }
            catch (HttpRequestException) when (DateTime.UtcNow - started < startLimit)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary><c>/run</c> with <paramref name="value"/> (the action's parameters) and a fresh activation context; the deadline <paramref name="timeout"/> from now.</summary>
    public Task<OpenWhiskAnswer> RunAsync(JsonNode? value, TimeSpan? timeout = null, string? activationId = null)
    {
        var deadline = DateTimeOffset.UtcNow.Add(timeout ?? TimeSpan.FromSeconds(60)).ToUnixTimeMilliseconds();
        var body = new JsonObject
        {
            ["value"] = value,
            ["namespace"] = Namespace,
            ["action_name"] = ActionName,
            ["activation_id"] = activationId ?? Guid.NewGuid().ToString("N"),
            ["transaction_id"] = Guid.NewGuid().ToString("N"),
            ["deadline"] = deadline.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["api_host"] = "https://openwhisk.example.com",
            ["api_key"] = ApiKey,
        };
        return PostAsync("run", body.ToJsonString());
    }

    /// <summary>Any body to a route, for the contract's refusals.</summary>
    public async Task<OpenWhiskAnswer> PostAsync(string route, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var answer = await _http.PostAsync(route, content);
        return new OpenWhiskAnswer((int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    /// <summary>How many sentinel lines a stream holds (each must be the whole line).</summary>
    public static int Sentinels(IEnumerable<string> lines) => lines.Count(line => line.TrimEnd('\r') == Sentinel);
}
