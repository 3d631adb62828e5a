using System.Diagnostics;
using FunctionPackage.Host.Invocation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host;

/// <summary>
/// Says in the log what a SIGTERM drain did: how many invocations were in flight when it began, and whether they
/// finished within <c>--drain-timeout</c> or were cut off when it ended (the window itself is HostOptions.ShutdownTimeout).
/// </summary>
/// <remarks>The pipeline is the one whose running invocations are counted, when the protocol has one here (null: not counted).</remarks>
internal sealed class SigtermDrain(InvocationPipeline? pipeline, TimeSpan timeout, ILogger logger)
{
    private readonly Stopwatch _elapsed = new();
    private int _inFlight;

    public void Started()
    {
        _elapsed.Start();
        _inFlight = pipeline?.Running ?? 0;
        logger.LogInformation("Stopping: no new requests; draining {InFlight} in-flight invocation(s) for up to {Seconds:0.###} s (--drain-timeout).",
            _inFlight, timeout.TotalSeconds);
    }

    public void Finished()
    {
        var stillRunning = pipeline?.Running ?? 0;
        // Kestrel returns from its stop only when every request is answered or the window is over and it aborted them
        // (a request still being read counts for Kestrel, not yet for the pipeline: so the time decides, not _inFlight).
        if (_elapsed.Elapsed >= timeout && (timeout > TimeSpan.Zero || _inFlight > 0))
        {
            logger.LogWarning("Drain window of {Seconds:0.###} s (--drain-timeout) ended: requests still open were aborted; {StillRunning} invocation(s) still running are abandoned.",
                timeout.TotalSeconds, stillRunning);
            return;
        }
        logger.LogInformation("Drained in {Elapsed:0.000} s: every in-flight request was answered{Abandoned}; exiting.",
            _elapsed.Elapsed.TotalSeconds, stillRunning > 0 ? $" ({stillRunning} timed-out invocation(s) still running are abandoned)" : "");
    }
}
