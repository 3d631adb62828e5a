using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FunctionPackage.Cli.Commands;

/// <summary>Console output that reads like a CLI, not a server log: "message", "warning: message", "error: message".</summary>
internal sealed class PlainConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "fnpkg";

    public PlainConsoleFormatter() : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var prefix = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical => "error: ",
            LogLevel.Debug or LogLevel.Trace => "  ",
            _ => "",
        };
        textWriter.Write(prefix);
        textWriter.Write(message);
        textWriter.Write('\n');
        if (logEntry.Exception is not null && logEntry.LogLevel >= LogLevel.Critical)
        {
            textWriter.Write(logEntry.Exception.ToString());
            textWriter.Write('\n');
        }
    }
}
