namespace FunctionPackage.Host.Invocation;

/// <summary>How one invocation ended, whatever carried the event. Each front end maps these to its own answer in one place.</summary>
public enum InvocationStatus
{
    /// <summary>The function returned; <see cref="InvocationOutcome.Result"/> holds what it returned (null for void/Task).</summary>
    Result,
    /// <summary>The event's data cannot be bound to the function's input (FPKG4050); the function did not run.</summary>
    BadInput,
    /// <summary>The invocation exceeded the invocation timeout (FPKG4014).</summary>
    Timeout,
    /// <summary>The function threw; the exception was logged.</summary>
    Failure,
    /// <summary>The caller cancelled (a client disconnected, Ctrl+C): nobody waits for an answer.</summary>
    Cancelled,
    /// <summary>The concurrency bound was reached (FPKG4013); the function did not run.</summary>
    Busy,
}

/// <summary>
/// The outcome of one invocation: a status, the result, and for a fault its code (when it has one) and a detail for
/// people that names the fix (starting with the code). A readonly struct: a successful invocation allocates nothing for it.
/// </summary>
public readonly struct InvocationOutcome
{
    private InvocationOutcome(InvocationStatus status, object? result, string? code, string detail, Exception? exception = null)
    {
        Exception = exception;
        Status = status;
        Result = result;
        Code = code;
        Detail = detail;
    }

    public InvocationStatus Status { get; }

    /// <summary>What the function returned; only meaningful when <see cref="Status"/> is <see cref="InvocationStatus.Result"/>.</summary>
    public object? Result { get; }

    /// <summary>The FPKG code of a coded fault (BadInput, Timeout, Busy), otherwise null.</summary>
    public string? Code { get; }

    /// <summary>The fault for people, starting with <see cref="Code"/> when there is one; empty for a result.</summary>
    public string Detail { get; }

    /// <summary>What the function threw, for a <see cref="InvocationStatus.Failure"/> (a protocol that reports it, e.g. Lambda's error JSON); otherwise null.</summary>
    public Exception? Exception { get; }

    public bool IsResult => Status == InvocationStatus.Result;

    internal static InvocationOutcome Returned(object? result) => new(InvocationStatus.Result, result, null, "");

    internal static InvocationOutcome Coded(InvocationStatus status, string code, params object?[] args)
        => new(status, null, code, HostDiagnostics.Message(code, args));

    internal static InvocationOutcome Threw(Exception exception, string detail) => new(InvocationStatus.Failure, null, null, detail, exception);

    internal static InvocationOutcome Uncoded(InvocationStatus status, string detail) => new(status, null, null, detail);
}
