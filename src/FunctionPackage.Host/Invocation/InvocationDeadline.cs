namespace FunctionPackage.Host.Invocation;

/// <summary>
/// The bound of one invocation when the vendor sends a deadline with it (Lambda's <c>Lambda-Runtime-Deadline-Ms</c>,
/// OpenWhisk's <c>deadline</c>): both are epoch milliseconds. One rule for every front end that gets one.
/// </summary>
public static class InvocationDeadline
{
    /// <summary>
    /// The time left until <paramref name="deadlineMs"/> (epoch ms), or <paramref name="hostTimeout"/> (--invocation-timeout)
    /// when that is shorter or no deadline came. A deadline already past still runs nothing: 1 ms.
    /// <c>DeadlineFirst</c>: the deadline, not the host's timeout, is the bound (the front end reports its own code).
    /// </summary>
    public static (TimeSpan Limit, bool DeadlineFirst) Limit(string? deadlineMs, TimeSpan hostTimeout)
    {
        if (!long.TryParse(deadlineMs, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epochMs)) return (hostTimeout, false);
        var left = DateTimeOffset.FromUnixTimeMilliseconds(epochMs) - DateTimeOffset.UtcNow;
        if (left < TimeSpan.FromMilliseconds(1)) left = TimeSpan.FromMilliseconds(1);
        return hostTimeout > TimeSpan.Zero && hostTimeout < left ? (hostTimeout, false) : (left, true);
    }
}
