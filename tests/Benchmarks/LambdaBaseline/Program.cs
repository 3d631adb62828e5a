using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using Inventory;

// The Runtime API loop: GET next (the event), call the handler, POST its JSON to response (or the error JSON to error).
var api = $"http://{Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API")}/2018-06-01/runtime/invocation/";
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
while (true)
{
    using var next = await http.GetAsync(api + "next");
    var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
    var deadline = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(next.Headers.GetValues("Lambda-Runtime-Deadline-Ms").Single()));
    using var timeout = new CancellationTokenSource(deadline - DateTimeOffset.UtcNow);
    string kind, body;
    try
    {
        var cloudEvent = new CloudEvent
        {
            Id = id,
            Source = new Uri(next.Headers.GetValues("Lambda-Runtime-Invoked-Function-Arn").Single()),
            Type = "com.amazonaws.lambda.invoke",
            DataContentType = "application/json",
            Data = JsonDocument.Parse(await next.Content.ReadAsStreamAsync()).RootElement,
        };
        (kind, body) = ("response", JsonSerializer.Serialize(await StockHandler.HandleAsync(cloudEvent, timeout.Token), web));
    }
    catch (Exception e)
    {
        (kind, body) = ("error", JsonSerializer.Serialize(new { errorType = e.GetType().Name, errorMessage = e.Message }));
    }
    using var answer = await http.PostAsync(api + id + "/" + kind, new StringContent(body, Encoding.UTF8, "application/json"));
}
