using FunctionPackage.Host.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Protocols.OpenWhiskActionProxy;

/// <summary>
/// The activation's log framing: the invoker reads a container's stdout and stderr up to the sentinel line on each, so
/// the sentinel must come after every line the activation wrote. The console logger writes from a background queue
/// (its lines could follow the sentinel), so under openwhisk the host logs through <see cref="LineLoggerProvider"/>:
/// the same one-line format, written synchronously to stderr.
/// </summary>
public static class ActivationLog
{
    /// <summary>The line that ends an activation's logs (apache/openwhisk <c>Container.ACTIVATION_LOG_SENTINEL</c>).</summary>
    public const string Sentinel = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";

    public static void WriteSentinels()
    {
        Console.Out.WriteLine(Sentinel);
        Console.Out.Flush();
        Console.Error.WriteLine(Sentinel);
        Console.Error.Flush();
    }

    /// <summary>Logging for openwhisk: <see cref="LineLoggerProvider"/> only.</summary>
    public static void UseLineLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddProvider(new LineLoggerProvider());
    }
}
