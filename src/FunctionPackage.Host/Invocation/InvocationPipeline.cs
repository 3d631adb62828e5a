using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
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
    // Pooled state machine: an invocation that really awaits (every one under a timeout: it hops to the thread pool)
    // would otherwise allocate its box each time; every caller awaits the outcome once, as a pooled ValueTask needs.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
        GuardedInvocation? guarded = null;
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
                guarded = new GuardedInvocation(this, functionEvent, timeoutSource);
                result = await guarded.Start();
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
            if (guarded is not null)
            {
                // Timed out or not, the handler keeps its slot and its token until it returns.
                guarded.CallerDone();
            }
            else
            {
                Interlocked.Decrement(ref _running);
                timeoutSource?.Dispose();
            }
        }
    }

    /// <summary>
    /// One invocation under a timeout, in one object instead of <c>Task.Run</c>'s task, closure and delegate and
    /// <c>WaitAsync</c>'s promise: queued to the thread pool (this thread's local queue, with the execution context, as
    /// <c>Task.Run</c> did), so a handler that blocks before its first await cannot hold the caller; the caller gets the
    /// handler's result or exception, or an <see cref="OperationCanceledException"/> as soon as the token is cancelled
    /// (the timeout or the caller), whichever comes first. The last of caller and handler to finish releases the
    /// concurrency slot and disposes the token source, so timed-out work counts until it really returns.
    /// </summary>
    private sealed class GuardedInvocation : IValueTaskSource<object?>
    {
        private readonly InvocationPipeline _pipeline;
        private readonly FunctionEvent _event;
        private readonly CancellationTokenSource _timeoutSource;
        private ManualResetValueTaskSourceCore<object?> _answer;
        private CancellationTokenRegistration _cancellation;
        private ValueTask<object?> _running;
        private int _answered;
        private int _parties = 2; // the caller and the handler

        public GuardedInvocation(InvocationPipeline pipeline, FunctionEvent functionEvent, CancellationTokenSource timeoutSource)
        {
            _pipeline = pipeline;
            _event = functionEvent;
            _timeoutSource = timeoutSource;
        }

        public ValueTask<object?> Start()
        {
            _cancellation = _timeoutSource.Token.UnsafeRegister(static (state, token) => ((GuardedInvocation)state!).Answer(null, new OperationCanceledException(token)), this);
            ThreadPool.QueueUserWorkItem(static guarded => guarded.Run(), this, preferLocal: true);
            return new ValueTask<object?>(this, _answer.Version);
        }

        public void CallerDone()
        {
            _cancellation.Dispose();
            Leave();
        }

        private void Run()
        {
            try
            {
                _running = _pipeline._invoker.InvokeAsync(_event, _timeoutSource.Token);
            }
            catch (Exception ex)
            {
                HandlerDone(null, ex);
                return;
            }
            if (_running.IsCompleted) HandlerReturned();
            else _running.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(HandlerReturned);
        }

        private void HandlerReturned()
        {
            object? result = null;
            Exception? error = null;
            try
            {
                result = _running.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                error = ex; // observed here even when nobody waits for it any more
            }
            HandlerDone(result, error);
        }

        private void HandlerDone(object? result, Exception? error)
        {
            // Leave first: the answer may run the caller on this thread, which must then find the slot released (as
            // the handler has returned), not still held until this method unwinds.
            Leave();
            Answer(result, error);
        }

        /// <summary>The first answer wins: the handler's, or the cancellation's.</summary>
        private void Answer(object? result, Exception? error)
        {
            if (Interlocked.Exchange(ref _answered, 1) != 0) return;
            if (error is null) _answer.SetResult(result);
            else _answer.SetException(error);
        }

        private void Leave()
        {
            if (Interlocked.Decrement(ref _parties) != 0) return;
            Interlocked.Decrement(ref _pipeline._running);
            _timeoutSource.Dispose();
        }

        public object? GetResult(short token) => _answer.GetResult(token);
        public ValueTaskSourceStatus GetStatus(short token) => _answer.GetStatus(token);
        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _answer.OnCompleted(continuation, state, token, flags);
    }
}
