using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mpc.EndToEnd.Tests;

/// <summary>Keeps every log line, so tests can assert what a daemon logged.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");

    public async Task<string> WaitForAsync(string fragment, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = Lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null) return line;
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"No log line contains '{fragment}'. Lines:\n{string.Join("\n", Lines)}");
    }
}
