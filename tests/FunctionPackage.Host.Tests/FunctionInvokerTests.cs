using System.Reflection;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Xunit;

namespace FunctionPackage.Host.Tests;

public sealed class Order
{
    public string Sku { get; set; } = "";
    public int Quantity { get; set; }
}

public sealed record Receipt(string Sku, int Total, bool Cancellable);

/// <summary>Every shape the binder supports, as a function author would write it.</summary>
public static class Shapes
{
    public static int Calls;

    public static Receipt Poco(Order order) => new(order.Sku, order.Quantity * 2, false);
    public static Receipt PocoToken(Order order, CancellationToken token) => new(order.Sku, order.Quantity, token.CanBeCanceled);
    public static string Text(string text) => $"<{text}>";
    public static int Bytes(byte[] data) => data.Length;
    public static string Event(CloudEvent cloudEvent) => $"{cloudEvent.Type}|{cloudEvent.Id}|{(cloudEvent.Data is JsonElement e ? e.GetRawText() : cloudEvent.Data)}";
    public static int NoInput() => 42;
    public static bool TokenOnly(CancellationToken token) => token.CanBeCanceled;
    public static void Void(Order order) => Interlocked.Increment(ref Calls);
    public static Task PlainTask(Order order) => Task.Delay(1);
    public static async Task<Receipt> TaskOfT(Order order, CancellationToken token) { await Task.Delay(1, token); return Poco(order); }
    public static Task<Receipt> CompletedTaskOfT(Order order) => Task.FromResult(Poco(order));
    public static ValueTask PlainValueTask() => default;
    public static async ValueTask<int> ValueTaskOfT(Order order) { await Task.Yield(); return order.Quantity; }
    public static ValueTask<int> CompletedValueTaskOfT(Order order) => new(order.Quantity + 1);
    public static int ValueType(int number) => number * number;
    public static string? NullResult(Order order) => null;
    public static async Task<int> Throws(Order order) { await Task.Yield(); throw new InvalidOperationException("no " + order.Sku); }
    public static int ThrowsSync() => throw new ArgumentException("sync");
    public static async Task<int> Waits(CancellationToken token) { await Task.Delay(Timeout.Infinite, token); return 0; }

    public static int TwoInputs(string a, string b) => 0;
    public static int TokenFirst(CancellationToken token, string a) => 0;
    public static int ByRef(ref int value) => value;
    public static T Generic<T>(T value) => value;
    public static async void AsyncVoid(string a) => await Task.Yield();
    public static int Overloaded(string a) => 0;
    public static int Overloaded(byte[] a) => 0;
    internal static int Hidden() => 0;
}

public sealed class InstanceShapes
{
    private int _count;
    public int Next(CancellationToken token) => ++_count;
}

public class BaseHandler
{
    public static int Inherited() => 1;
}

public sealed class DerivedHandler : BaseHandler
{
}

public sealed class NeedsArgument
{
    public NeedsArgument(int seed) { _ = seed; }
    public int Next() => 0;
}

public sealed class ThrowingConstructor
{
    public ThrowingConstructor() => throw new InvalidOperationException("ctor says no");
    public int Next() => 0;
}

public sealed class FunctionInvokerTests
{
    private static FunctionInvoker Bind(string method) => FunctionInvoker.Create(typeof(Shapes).GetMethod(method)!);

    private static CloudEvent NewEvent(string? contentType = "application/json") => new()
    {
        Id = "id-1",
        Source = new Uri("/test", UriKind.Relative),
        Type = "com.example.test",
        DataContentType = contentType,
    };

    /// <summary>Binary mode / plain HTTP / invoke: the data is the raw body.</summary>
    private static FunctionEvent Raw(string body, string? contentType = "application/json") => new(NewEvent(contentType), Encoding.UTF8.GetBytes(body));

    /// <summary>Structured / batch mode: the formatter already decoded the data.</summary>
    private static FunctionEvent Decoded(object? data, string? contentType = "application/json")
    {
        var cloudEvent = NewEvent(contentType);
        cloudEvent.Data = data;
        return new FunctionEvent(cloudEvent);
    }

    private static async Task<string> ResultJson(FunctionInvoker invoker, FunctionEvent functionEvent, CancellationToken token = default)
        => Encoding.UTF8.GetString(invoker.SerializeResult(await invoker.InvokeAsync(functionEvent, token)));

    [Theory]
    [InlineData(nameof(Shapes.Poco), "static;input=poco;cancellation=false;result=value")]
    [InlineData(nameof(Shapes.PocoToken), "static;input=poco;cancellation=true;result=value")]
    [InlineData(nameof(Shapes.Text), "static;input=string;cancellation=false;result=value")]
    [InlineData(nameof(Shapes.Bytes), "static;input=bytes;cancellation=false;result=value")]
    [InlineData(nameof(Shapes.Event), "static;input=cloudevent;cancellation=false;result=value")]
    [InlineData(nameof(Shapes.NoInput), "static;input=none;cancellation=false;result=value")]
    [InlineData(nameof(Shapes.TokenOnly), "static;input=none;cancellation=true;result=value")]
    [InlineData(nameof(Shapes.Void), "static;input=poco;cancellation=false;result=void")]
    [InlineData(nameof(Shapes.PlainTask), "static;input=poco;cancellation=false;result=task")]
    [InlineData(nameof(Shapes.TaskOfT), "static;input=poco;cancellation=true;result=taskOfT")]
    [InlineData(nameof(Shapes.PlainValueTask), "static;input=none;cancellation=false;result=valueTask")]
    [InlineData(nameof(Shapes.ValueTaskOfT), "static;input=poco;cancellation=false;result=valueTaskOfT")]
    public void Shape_string_matches_the_sdk_format(string method, string shape)
        => Assert.Equal(shape, Bind(method).Shape.ToString());

    [Fact]
    public async Task Poco_input_binds_from_raw_json_with_web_defaults_and_result_is_camel_case()
    {
        Assert.Equal("""{"sku":"A-1","total":6,"cancellable":false}""", await ResultJson(Bind(nameof(Shapes.Poco)), Raw("""{"SKU":"A-1","quantity":3}""")));
    }

    [Fact]
    public async Task Poco_input_binds_from_decoded_json_element_string_and_bytes()
    {
        var invoker = Bind(nameof(Shapes.Poco));
        var element = JsonDocument.Parse("""{"sku":"E","quantity":1}""").RootElement;
        Assert.Equal("""{"sku":"E","total":2,"cancellable":false}""", await ResultJson(invoker, Decoded(element)));
        Assert.Equal("""{"sku":"S","total":4,"cancellable":false}""", await ResultJson(invoker, Decoded("""{"sku":"S","quantity":2}""", "text/plain")));
        Assert.Equal("""{"sku":"B","total":6,"cancellable":false}""", await ResultJson(invoker, Decoded(Encoding.UTF8.GetBytes("""{"sku":"B","quantity":3}"""), "application/octet-stream")));
    }

    [Fact]
    public async Task Poco_input_with_invalid_or_missing_data_is_an_input_error()
    {
        var invoker = Bind(nameof(Shapes.Poco));
        var invalid = await Assert.ThrowsAsync<FunctionInputException>(async () => await invoker.InvokeAsync(Raw("""{"sku": 5}"""), default));
        Assert.Contains("Order", invalid.Message);
        await Assert.ThrowsAsync<FunctionInputException>(async () => await invoker.InvokeAsync(Raw("{"), default));
        var empty = await Assert.ThrowsAsync<FunctionInputException>(async () => await invoker.InvokeAsync(Raw(""), default));
        Assert.Contains("no data", empty.Message);
        await Assert.ThrowsAsync<FunctionInputException>(async () => await invoker.InvokeAsync(Decoded(null), default));
    }

    [Fact]
    public async Task Explicit_json_null_binds_a_null_poco()
    {
        var invoker = Bind(nameof(Shapes.NullResult));
        Assert.Equal("null", await ResultJson(invoker, Raw("null")));
    }

    [Theory]
    [InlineData("\"Ada\"", "application/json", "<Ada>")]             // JSON string data is unwrapped
    [InlineData("  \"A\\u0064a\"", "application/json", "<Ada>")]
    [InlineData("{\"a\":1}", "application/json", "<{\"a\":1}>")]     // other JSON is passed as text
    [InlineData("\"quoted\"", "text/plain", "<\"quoted\">")]          // text is never unwrapped
    [InlineData("plain words", "text/plain", "<plain words>")]
    [InlineData("", "application/json", "<>")]
    public async Task String_input_from_raw_body(string body, string contentType, string expected)
    {
        var result = await Bind(nameof(Shapes.Text)).InvokeAsync(Raw(body, contentType), default);
        Assert.Equal(expected, result);
    }

    [Fact]
    public async Task String_input_from_decoded_data()
    {
        var invoker = Bind(nameof(Shapes.Text));
        Assert.Equal("<Ada>", await invoker.InvokeAsync(Decoded(JsonDocument.Parse("\"Ada\"").RootElement), default));
        Assert.Equal("<[1,2]>", await invoker.InvokeAsync(Decoded(JsonDocument.Parse("[1,2]").RootElement), default));
        Assert.Equal("<hi>", await invoker.InvokeAsync(Decoded("hi", "text/plain"), default));
        Assert.Equal("<hé>", await invoker.InvokeAsync(Decoded(Encoding.UTF8.GetBytes("hé"), "application/octet-stream"), default));
        Assert.Equal("<>", await invoker.InvokeAsync(Decoded(null), default));
    }

    [Fact]
    public async Task Bytes_input_is_the_raw_data()
    {
        var invoker = Bind(nameof(Shapes.Bytes));
        Assert.Equal(7, await invoker.InvokeAsync(Raw("\"héé\"", "application/octet-stream"), default)); // UTF-8 bytes, quotes kept
        Assert.Equal(3, await invoker.InvokeAsync(Decoded(new byte[] { 1, 2, 3 }, "application/octet-stream"), default));
        Assert.Equal(5, await invoker.InvokeAsync(Decoded(JsonDocument.Parse("[1,2]").RootElement), default));
        Assert.Equal(0, await invoker.InvokeAsync(Decoded(null), default));
    }

    [Fact]
    public async Task CloudEvent_input_gets_the_event_with_binary_data_decoded_by_content_type()
    {
        var invoker = Bind(nameof(Shapes.Event));
        Assert.Equal("com.example.test|id-1|{\"x\": 1}", await invoker.InvokeAsync(Raw("{\"x\": 1}"), default));
        Assert.Equal("com.example.test|id-1|hello", await invoker.InvokeAsync(Raw("hello", "text/plain"), default));
        Assert.Equal("com.example.test|id-1|", await invoker.InvokeAsync(Raw(""), default));
        var decoded = new JsonEventFormatter().DecodeStructuredModeMessage(
            Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"s","source":"/x","type":"t","data":{"y":2}}"""), null, null);
        Assert.Equal("t|s|{\"y\":2}", await invoker.InvokeAsync(new FunctionEvent(decoded), default));
        await Assert.ThrowsAsync<FunctionInputException>(async () => await invoker.InvokeAsync(Raw("{not json"), default));
    }

    [Fact]
    public async Task No_input_and_token_only_shapes()
    {
        Assert.Equal(42, await Bind(nameof(Shapes.NoInput)).InvokeAsync(Raw("ignored"), default));
        using var cts = new CancellationTokenSource();
        Assert.Equal(true, await Bind(nameof(Shapes.TokenOnly)).InvokeAsync(Raw(""), cts.Token));
        Assert.Equal(false, await Bind(nameof(Shapes.TokenOnly)).InvokeAsync(Raw(""), CancellationToken.None));
    }

    [Fact]
    public async Task Void_task_and_value_task_have_no_result()
    {
        var before = Shapes.Calls;
        var voidInvoker = Bind(nameof(Shapes.Void));
        Assert.False(voidInvoker.HasResult);
        Assert.Null(await voidInvoker.InvokeAsync(Raw("""{"sku":"v"}"""), default));
        Assert.Equal(before + 1, Shapes.Calls);
        Assert.Null(await Bind(nameof(Shapes.PlainTask)).InvokeAsync(Raw("{}"), default));
        Assert.False(Bind(nameof(Shapes.PlainTask)).HasResult);
        Assert.Null(await Bind(nameof(Shapes.PlainValueTask)).InvokeAsync(Raw(""), default));
        Assert.False(Bind(nameof(Shapes.PlainValueTask)).HasResult);
    }

    [Fact]
    public async Task Task_and_value_task_results_are_awaited_sync_or_async()
    {
        Assert.Equal("""{"sku":"T","total":4,"cancellable":false}""", await ResultJson(Bind(nameof(Shapes.TaskOfT)), Raw("""{"sku":"T","quantity":2}""")));
        Assert.Equal("""{"sku":"C","total":2,"cancellable":false}""", await ResultJson(Bind(nameof(Shapes.CompletedTaskOfT)), Raw("""{"sku":"C","quantity":1}""")));
        Assert.Equal("5", await ResultJson(Bind(nameof(Shapes.ValueTaskOfT)), Raw("""{"quantity":5}""")));
        Assert.Equal("6", await ResultJson(Bind(nameof(Shapes.CompletedValueTaskOfT)), Raw("""{"quantity":5}""")));
        Assert.Equal("49", await ResultJson(Bind(nameof(Shapes.ValueType)), Raw("7")));
        Assert.Equal(typeof(Receipt), Bind(nameof(Shapes.TaskOfT)).ResultType);
        Assert.Equal(typeof(int), Bind(nameof(Shapes.ValueTaskOfT)).ResultType);
    }

    [Fact]
    public async Task The_token_reaches_the_function_and_cancels_it()
    {
        Assert.Equal("""{"sku":"","total":0,"cancellable":true}""", await ResultJson(Bind(nameof(Shapes.PocoToken)), Raw("{}"), new CancellationTokenSource().Token));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Bind(nameof(Shapes.Waits)).InvokeAsync(Raw(""), cts.Token));
    }

    [Fact]
    public async Task Function_exceptions_propagate_unwrapped()
    {
        var async = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Bind(nameof(Shapes.Throws)).InvokeAsync(Raw("""{"sku":"Z"}"""), default));
        Assert.Equal("no Z", async.Message);
        var sync = await Assert.ThrowsAsync<ArgumentException>(async () => await Bind(nameof(Shapes.ThrowsSync)).InvokeAsync(Raw(""), default));
        Assert.Equal("sync", sync.Message);
    }

    [Fact]
    public async Task Instance_method_uses_one_instance_per_function()
    {
        var invoker = FunctionInvoker.Create(typeof(InstanceShapes).Assembly, typeof(InstanceShapes).FullName!, nameof(InstanceShapes.Next));
        Assert.Equal("instance;input=none;cancellation=true;result=value", invoker.Shape.ToString());
        Assert.Equal(1, await invoker.InvokeAsync(Raw(""), default));
        Assert.Equal(2, await invoker.InvokeAsync(Raw(""), default));
        var other = FunctionInvoker.Create(typeof(InstanceShapes).GetMethod(nameof(InstanceShapes.Next))!);
        Assert.Equal(1, await other.InvokeAsync(Raw(""), default));
    }

    [Theory]
    [InlineData(nameof(Shapes.TwoInputs))]
    [InlineData(nameof(Shapes.TokenFirst))]
    [InlineData(nameof(Shapes.ByRef))]
    [InlineData(nameof(Shapes.Generic))]
    [InlineData(nameof(Shapes.AsyncVoid))]
    public void Unsupported_signatures_are_FPKG4008(string method)
    {
        var ex = Assert.Throws<FunctionHostException>(() => FunctionInvoker.Create(typeof(Shapes).Assembly, typeof(Shapes).FullName!, method));
        Assert.Equal(HostErrorCodes.UnsupportedSignature, ex.Code);
        Assert.StartsWith("FPKG4008: ", ex.Message);
    }

    [Theory]
    [InlineData("FunctionPackage.Host.Tests.Nope", "X", HostErrorCodes.EntryTypeNotFound)]
    [InlineData("FunctionPackage.Host.Tests.Shapes", "Missing", HostErrorCodes.EntryMethodNotFound)]
    [InlineData("FunctionPackage.Host.Tests.Shapes", "Overloaded", HostErrorCodes.EntryMethodNotFound)]
    [InlineData("FunctionPackage.Host.Tests.Shapes", "Hidden", HostErrorCodes.EntryMethodNotFound)]
    [InlineData("FunctionPackage.Host.Tests.DerivedHandler", "Inherited", HostErrorCodes.EntryMethodNotFound)]
    [InlineData("FunctionPackage.Host.Tests.NeedsArgument", "Next", HostErrorCodes.ConstructorFailed)]
    [InlineData("FunctionPackage.Host.Tests.ThrowingConstructor", "Next", HostErrorCodes.ConstructorFailed)]
    public void Unbindable_entry_points_have_coded_errors(string type, string method, string code)
    {
        var ex = Assert.Throws<FunctionHostException>(() => FunctionInvoker.Create(typeof(Shapes).Assembly, type, method));
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void Throwing_constructor_message_names_the_exception()
    {
        var ex = Assert.Throws<FunctionHostException>(() => FunctionInvoker.Create(typeof(ThrowingConstructor).GetMethod(nameof(ThrowingConstructor.Next))!));
        Assert.Contains("ctor says no", ex.Message);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/vnd.order+json", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/octet-stream", false)]
    public void Json_media_types(string? contentType, bool expected)
        => Assert.Equal(expected, FunctionInvoker.IsJsonMediaType(contentType));
}
