using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>Keeps every formatted log message, for tests that assert on progress output.</summary>
public sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _messages.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
