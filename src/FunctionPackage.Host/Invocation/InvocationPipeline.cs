using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Invocation;

/// <summary>
/// Invokes the loaded function with one event, under the concurrency bound and the invocation timeout, and logs
/// what went wrong — independent of any transport: it takes a <see cref="FunctionEvent"/> and answers an
/// <see cref="InvocationOutcome"/>. Every front end (Protocols/&lt;Name&gt;/, the invoke verb) goes through it.
/// </summary>
public sealed class InvocationPipeline
{
    /// <summary>How long a caller refused with <see cref="InvocationStatus.Busy"/> should wait: invocations usually finish within a second or so.</summary>
    public const int BusyRetryAfterSeconds = 1;

    private readonly FunctionInvoker _invoker;
    private readonly string _entryPoint;
    private readonly TimeSpan _timeout;
    private readonly int _maxConcurrent;
    private readonly ILogger _logger;
    private readonly string _dataFix;
    private int _running;

    /// <summary>Invocations running in the function now, timed-out ones included (what a SIGTERM drain waits for).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// <paramref name="invocationTimeout"/>: zero = no limit. <paramref name="maxConcurrentInvocations"/>: invocations that
    /// may run at once (0 = no bound). <paramref name="dataFix"/>: how this front end's caller supplies event data, the start
    /// of FPKG4050's fix ("Send the data as", "Pass --data with").
    /// </summary>
    public InvocationPipeline(FunctionInvoker invoker, TimeSpan invocationTimeout, int maxConcurrentInvocations, ILogger logger, string dataFix)
    {
        _invoker = invoker;
        _entryPoint = $"{invoker.Method.DeclaringType!.FullName}::{invoker.Method.Name}";
        _timeout = invocationTimeout;
        _maxConcurrent = maxConcurrentInvocations;
        _logger = logger;
        _dataFix = dataFix;
    }

    /// <summary>Whether a <see cref="InvocationStatus.Result"/> carries a value to serialize (the function returns one).</summary>
    public bool HasResult => _invoker.HasResult;

    /// <summary>UTF-8 JSON of a result (web defaults).</summary>
    public byte[] SerializeResult(object? result) => _invoker.SerializeResult(result);

    /// <summary>
    /// Runs one invocation; every fault comes back as an outcome, never as an exception. <paramref name="timeout"/>: this
    /// invocation's own limit instead of the host's (a vendor's per-invocation deadline, e.g. Lambda's), when given.
    /// </summary>
    public async ValueTask<InvocationOutcome> InvokeAsync(FunctionEvent functionEvent, CancellationToken cancelled, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _timeout;
        // Bound what runs at once — a timed-out invocation counts until it really returns — so handlers that block
        // their thread cannot take every thread: /healthz, new requests and a graceful drain keep working.
        if (Interlocked.Increment(ref _running) > _maxConcurrent && _maxConcurrent > 0)
        {
            Interlocked.Decrement(ref _running);
            _logger.LogInformation("Event {EventId} refused: {Max} invocations are running (--max-concurrent-invocations).", functionEvent.CloudEvent.Id, _maxConcurrent);
            return InvocationOutcome.Coded(InvocationStatus.Busy, HostErrorCodes.TooManyInvocations, _maxConcurrent, BusyRetryAfterSeconds);
        }

        var timeoutSource = limit > TimeSpan.Zero ? CancellationTokenSource.CreateLinkedTokenSource(cancelled) : null;
        timeoutSource?.CancelAfter(limit);
        var token = timeoutSource?.Token ?? cancelled;
        Task<object?>? running = null;
        try
        {
            object? result;
            if (timeoutSource is null)
            {
                result = await _invoker.InvokeAsync(functionEvent, token);
            }
            else
            {
                // Started on the thread pool, so a handler that blocks before its first await cannot hold the caller:
                // it awaits the timeout, which does not depend on the handler. Timed-out work runs on in the background.
                running = StartOnThreadPool(functionEvent, token);
                result = await running.WaitAsync(token);
            }
            return InvocationOutcome.Returned(result);
        }
        catch (FunctionInputException ex)
        {
            return InvocationOutcome.Coded(InvocationStatus.BadInput, HostErrorCodes.InvalidEventData, ex.Message, _dataFix, ex.Expected);
        }
        catch (OperationCanceledException) when (timeoutSource is not null && timeoutSource.IsCancellationRequested && !cancelled.IsCancellationRequested)
        {
            _logger.LogWarning("Event {EventId}: {Function} timed out after {Timeout}s.", functionEvent.CloudEvent.Id, _entryPoint, limit.TotalSeconds);
            return InvocationOutcome.Coded(InvocationStatus.Timeout, HostErrorCodes.InvocationTimedOut, limit.TotalSeconds);
        }
        catch (Exception ex)
        {
            if (cancelled.IsCancellationRequested) return InvocationOutcome.Uncoded(InvocationStatus.Cancelled, "The caller cancelled the invocation.");
            _logger.LogError(ex, "Event {EventId}: {Function} threw.", functionEvent.CloudEvent.Id, _entryPoint);
            return InvocationOutcome.Threw(ex, $"The function threw {ex.GetType().FullName}. See the host log for details.");
        }
        finally
        {
            if (running is { IsCompleted: false })
            {
                // Abandoned: it keeps its slot and its token until it returns (its exception, if any, is observed here).
                _ = running.ContinueWith(static (done, state) =>
                {
                    _ = done.Exception;
                    var (pipeline, source) = ((InvocationPipeline, CancellationTokenSource))state!;
                    Interlocked.Decrement(ref pipeline._running);
                    source.Dispose();
                }, (this, timeoutSource!), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                Interlocked.Decrement(ref _running);
                timeoutSource?.Dispose();
            }
        }
    }

    /// <summary>
    /// A method of its own: the compiler allocates a lambda's captures when the enclosing method starts, so inside
    /// <see cref="InvokeAsync"/> they would cost every invocation, with a timeout or not (40 bytes, measured).
    /// </summary>
    private Task<object?> StartOnThreadPool(FunctionEvent functionEvent, CancellationToken token)
        => Task.Run(() => _invoker.InvokeAsync(functionEvent, token).AsTask(), CancellationToken.None);
}
