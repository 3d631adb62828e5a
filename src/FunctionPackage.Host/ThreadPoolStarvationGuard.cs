namespace FunctionPackage.Host;

/// <summary>
/// Keeps handlers that block their thread from starving Kestrel, <c>/healthz</c> and the timeout timers, without
/// paying for it when nothing blocks. A permanently raised pool minimum (the bound of concurrent invocations) costs
/// about 10 % throughput and triples p99 under load on 2 cores (docs/benchmarks.md), so the minimum is raised only
/// while the pool is starved — work queued and none completed in one tick — and put back once the queue drains.
/// It runs on a thread of its own: a starved pool would never run a timer callback.
/// </summary>
internal sealed class ThreadPoolStarvationGuard : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly int _raisedMinimum;
    private readonly int _defaultWorkers;
    private readonly int _defaultCompletionPorts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public ThreadPoolStarvationGuard(int maxConcurrentInvocations)
    {
        ThreadPool.GetMinThreads(out _defaultWorkers, out _defaultCompletionPorts);
        _raisedMinimum = Math.Max(_defaultWorkers, maxConcurrentInvocations + 2 * Environment.ProcessorCount);
        _thread = new Thread(Watch) { IsBackground = true, Name = "FunctionPackage thread-pool guard" };
        _thread.Start();
    }

    private void Watch()
    {
        var raised = false;
        var completed = ThreadPool.CompletedWorkItemCount;
        while (!_stop.Token.WaitHandle.WaitOne(Tick))
        {
            var nowCompleted = ThreadPool.CompletedWorkItemCount;
            var pending = ThreadPool.PendingWorkItemCount;
            var starved = pending > 0 && nowCompleted == completed;
            completed = nowCompleted;
            if (starved && !raised)
            {
                raised = ThreadPool.SetMinThreads(_raisedMinimum, _defaultCompletionPorts);
            }
            else if (raised && pending == 0)
            {
                raised = !ThreadPool.SetMinThreads(_defaultWorkers, _defaultCompletionPorts);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
