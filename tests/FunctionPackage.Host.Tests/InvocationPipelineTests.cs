using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using FunctionPackage.Host.Invocation;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>Handlers the pipeline tests need beyond <see cref="Shapes"/>: one that blocks its thread, one held at a gate.</summary>
public static class PipelineShapes
{
    public static readonly SemaphoreSlim Gate = new(0);
    public static int Entered;

    public static int BlockThread(Order order) { Thread.Sleep(order.Quantity); return order.Quantity; }

    public static async Task<int> WaitAtGate(Order order)
    {
        Interlocked.Increment(ref Entered);
        await Gate.WaitAsync();
        return order.Quantity;
    }
}

/// <summary>
/// The transport-independent pipeline in-process: every <see cref="InvocationStatus"/>, its code and detail, and the
/// log lines it writes — no HTTP, no process.
/// </summary>
public sealed class InvocationPipelineTests
{
    private readonly ListLogger _log = new();

    private InvocationPipeline Pipeline(string method, double timeoutSeconds = 0, int maxConcurrent = 0, Type? type = null)
        => new(FunctionInvoker.Create((type ?? typeof(Shapes)).GetMethod(method)!), TimeSpan.FromSeconds(timeoutSeconds), maxConcurrent, _log, "Pass it as");

    private static FunctionEvent Event(string? json) => new(new CloudEvent
    {
        Id = "event-1",
        Source = new Uri("/test", UriKind.Relative),
        Type = "com.example.test",
        DataContentType = "application/json",
    }, json is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData(0)]
    [InlineData(30)] // with a timeout the call goes through the thread pool: same outcome
    public async Task A_returning_function_is_a_result_carrying_its_value(double timeoutSeconds)
    {
        var pipeline = Pipeline(nameof(Shapes.Poco), timeoutSeconds);
        var outcome = await pipeline.InvokeAsync(Event("""{"sku":"a","quantity":3}"""), default);
        Assert.True(outcome.IsResult, outcome.Detail);
        Assert.Null(outcome.Code);
        Assert.Equal("", outcome.Detail);
        Assert.Equal("""{"sku":"a","total":6,"cancellable":false}""", Encoding.UTF8.GetString(pipeline.SerializeResult(outcome.Result)));
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task Data_that_cannot_be_bound_is_BadInput_FPKG4050_naming_the_front_ends_fix_and_the_function_does_not_run()
    {
        var outcome = await Pipeline(nameof(Shapes.Poco)).InvokeAsync(Event("""{"sku":"""), default);
        Assert.Equal(InvocationStatus.BadInput, outcome.Status);
        Assert.Equal(HostErrorCodes.InvalidEventData, outcome.Code);
        Assert.StartsWith("FPKG4050: The event data is not valid JSON for Order", outcome.Detail);
        Assert.EndsWith("Pass it as JSON for Order.", outcome.Detail);
    }

    [Fact]
    public async Task A_throwing_function_is_Failure_naming_the_exception_type_and_logged_with_its_exception()
    {
        var outcome = await Pipeline(nameof(Shapes.Throws), timeoutSeconds: 30).InvokeAsync(Event("""{"sku":"x"}"""), default);
        Assert.Equal(InvocationStatus.Failure, outcome.Status);
        Assert.Null(outcome.Code);
        Assert.Equal("The function threw System.InvalidOperationException. See the host log for details.", outcome.Detail);
        var line = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("FunctionPackage.Host.Tests.Shapes::Throws threw", line.Message);
        Assert.Equal("no x", line.Exception?.Message);
    }

    [Fact]
    public async Task A_function_past_the_timeout_is_Timeout_FPKG4014_even_when_it_blocks_its_thread()
    {
        var watch = Stopwatch.StartNew();
        var outcome = await Pipeline(nameof(PipelineShapes.BlockThread), timeoutSeconds: 0.2, type: typeof(PipelineShapes))
            .InvokeAsync(Event("""{"quantity":3000}"""), default);
        watch.Stop();
        Assert.Equal(InvocationStatus.Timeout, outcome.Status);
        Assert.Equal(HostErrorCodes.InvocationTimedOut, outcome.Code);
        Assert.Equal("FPKG4014: The function did not complete within 0.2 s (--invocation-timeout). Make it honour its CancellationToken, or raise the timeout.", outcome.Detail);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"the timeout waited for the handler: {watch.Elapsed}");
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("timed out after 0.2s"));
    }

    [Fact]
    public async Task A_caller_that_cancels_gets_Cancelled_not_a_failure_or_a_timeout()
    {
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var outcome = await Pipeline(nameof(Shapes.Waits), timeoutSeconds: 30).InvokeAsync(Event(null), caller.Token);
        Assert.Equal(InvocationStatus.Cancelled, outcome.Status);
        Assert.Null(outcome.Code);
        Assert.DoesNotContain(_log.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Beyond_the_concurrency_bound_is_Busy_FPKG4013_and_a_slot_frees_when_an_invocation_returns()
    {
        var pipeline = Pipeline(nameof(PipelineShapes.WaitAtGate), timeoutSeconds: 30, maxConcurrent: 2, type: typeof(PipelineShapes));
        var entered = Volatile.Read(ref PipelineShapes.Entered);
        var running = new[] { pipeline.InvokeAsync(Event("""{"quantity":1}"""), default).AsTask(), pipeline.InvokeAsync(Event("""{"quantity":2}"""), default).AsTask() };
        await WaitUntil(() => Volatile.Read(ref PipelineShapes.Entered) == entered + 2);

        var refused = await pipeline.InvokeAsync(Event("""{"quantity":3}"""), default);
        Assert.Equal(InvocationStatus.Busy, refused.Status);
        Assert.Equal(HostErrorCodes.TooManyInvocations, refused.Code);
        Assert.Equal("FPKG4013: 2 invocations are already running (--max-concurrent-invocations). Retry after 1 s.", refused.Detail);
        Assert.Contains(_log.Lines, l => l.Message.Contains("Event event-1 refused: 2 invocations are running"));

        PipelineShapes.Gate.Release(2);
        Assert.All(await Task.WhenAll(running), o => Assert.True(o.IsResult, o.Detail));
        var afterwards = pipeline.InvokeAsync(Event("""{"quantity":4}"""), default).AsTask();
        PipelineShapes.Gate.Release();
        var outcome = await afterwards;
        Assert.True(outcome.IsResult, outcome.Detail);
        Assert.Equal(4, outcome.Result);
    }

    [Fact]
    public async Task Without_a_timeout_the_pipeline_allocates_nothing_beyond_the_call_itself()
    {
        // The hot path's budget: the outcome is a struct, the bound an Interlocked counter, the thread-pool lambda only
        // allocated with a timeout; only the binding and the function allocate (here: the Order and the boxed result).
        // Measured on this thread: the call completes synchronously. (With the lambda inline it was 40 bytes more.)
        var invoker = FunctionInvoker.Create(typeof(Shapes).GetMethod(nameof(Shapes.CompletedValueTaskOfT))!);
        var pipeline = new InvocationPipeline(invoker, TimeSpan.Zero, maxConcurrentInvocations: 64, _log, "Pass it as");
        var functionEvent = Event("""{"quantity":1}""");
        for (var i = 0; i < 1000; i++) { await invoker.InvokeAsync(functionEvent, default); await pipeline.InvokeAsync(functionEvent, default); }

        const int calls = 100;
        ValueTask<object?> direct = default;
        ValueTask<InvocationOutcome> piped = default;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++) direct = invoker.InvokeAsync(functionEvent, default);
        var afterDirect = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++) piped = pipeline.InvokeAsync(functionEvent, default);
        var afterPipeline = GC.GetAllocatedBytesForCurrentThread();

        Assert.True(direct.IsCompletedSuccessfully && piped.IsCompletedSuccessfully);
        Assert.Equal(2, piped.Result.Result);
        var directBytes = (afterDirect - before) / calls;
        var pipelineBytes = (afterPipeline - afterDirect) / calls;
        Assert.True(pipelineBytes <= directBytes, $"the pipeline allocates {pipelineBytes} bytes per call, the invoker alone {directBytes}");
    }

    [Theory]
    [InlineData(InvocationStatus.Result, ExitCodes.Success)]
    [InlineData(InvocationStatus.BadInput, ExitCodes.BadInput)]
    [InlineData(InvocationStatus.Timeout, ExitCodes.Timeout)]
    [InlineData(InvocationStatus.Failure, ExitCodes.FunctionFailed)]
    [InlineData(InvocationStatus.Cancelled, ExitCodes.FunctionFailed)]
    [InlineData(InvocationStatus.Busy, ExitCodes.FunctionFailed)]
    public void Invoke_maps_each_outcome_to_its_documented_exit_code(InvocationStatus status, int exitCode)
        => Assert.Equal(exitCode, FunctionRunner.ExitCode(status));

    [Fact]
    public void Every_outcome_has_an_exit_code_row_in_this_test()
        => Assert.Equal(Enum.GetValues<InvocationStatus>().Length, typeof(InvocationPipelineTests).GetMethod(nameof(Invoke_maps_each_outcome_to_its_documented_exit_code))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Length);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(10);
        }
    }

    /// <summary>Collects log lines, so a test asserts on what was logged and prints it on failure.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add((logLevel, formatter(state, exception), exception));
        }
    }
}
