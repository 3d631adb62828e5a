using Microsoft.Extensions.Logging;

namespace FunctionPackage.Host.Diagnostics;

/// <summary>
/// One line per entry on stderr, as the simple console formatter's single-line mode prints it, written at once (no
/// background queue). Used where the console logger's queue is wrong (openwhisk: lines must precede the activation's
/// sentinel) or too costly to start (aws-lambda: Microsoft.Extensions.Logging.Console, Options, Configuration and DI
/// are assemblies a cold start would load for nothing).
/// </summary>
public sealed class LineLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName);

    public void Dispose() { }

    private sealed class LineLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{Level(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}";
            if (exception is not null) line += " " + exception.ToString().ReplaceLineEndings(" ");
            Console.Error.WriteLine(line.ReplaceLineEndings(" "));
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
