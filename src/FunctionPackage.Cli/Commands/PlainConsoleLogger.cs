using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands;

/// <summary>
/// Logs to stderr the way a CLI reads, not a server log: "message", "warning: message", "error: message", "  detail".
/// Written synchronously, one line per call, without the console logger's DI, options and background queue: a no-op
/// <c>fnpkg install</c> is mostly process start and JIT, and the console logger's setup was a third of it.
/// </summary>
internal sealed class PlainConsoleLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly LogLevel _minimum;

    /// <param name="writer">Where the lines go (stderr).</param>
    /// <param name="minimum">Trace (all) under a <see cref="LoggerFactory"/>, whose filter applies the verbosity; a
    /// logger used without a factory (<see cref="InstalledShortcut"/>) filters here.</param>
    public PlainConsoleLoggerProvider(TextWriter writer, LogLevel minimum = LogLevel.Trace)
    {
        _writer = writer;
        _minimum = minimum;
    }

    public ILogger CreateLogger(string categoryName) => new PlainConsoleLogger(_writer, _minimum);

    public void Dispose() => _writer.Flush();

    private sealed class PlainConsoleLogger : ILogger
    {
        private readonly TextWriter _writer;
        private readonly LogLevel _minimum;

        public PlainConsoleLogger(TextWriter writer, LogLevel minimum)
        {
            _writer = writer;
            _minimum = minimum;
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var prefix = logLevel switch
            {
                LogLevel.Warning => "warning: ",
                LogLevel.Error or LogLevel.Critical => "error: ",
                LogLevel.Debug or LogLevel.Trace => "  ",
                _ => "",
            };
            var line = prefix + formatter(state, exception) + "\n";
            if (exception is not null && logLevel >= LogLevel.Critical) line += exception + "\n";
            // One write per line, under a lock: parallel downloads log from several threads.
            lock (_writer) _writer.Write(line);
        }
    }
}
