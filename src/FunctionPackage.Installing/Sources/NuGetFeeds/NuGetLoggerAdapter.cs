using Microsoft.Extensions.Logging;
using NuGet.Common;
using ILogger = Microsoft.Extensions.Logging.ILogger;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace FunctionPackage.Installing.Sources.NuGetFeeds;

/// <summary>Sends NuGet's own messages to our logger at Debug level: they explain retries and HTTP calls, not results.</summary>
internal sealed class NuGetLoggerAdapter : LoggerBase
{
    private readonly ILogger _logger;

    public NuGetLoggerAdapter(ILogger logger) : base(NuGet.Common.LogLevel.Debug) => _logger = logger;

    public override void Log(ILogMessage message)
    {
        var level = message.Level >= NuGet.Common.LogLevel.Warning ? LogLevel.Debug : LogLevel.Trace;
        _logger.Log(level, "NuGet: {Message}", message.Message);
    }

    public override Task LogAsync(ILogMessage message)
    {
        Log(message);
        return Task.CompletedTask;
    }
}
