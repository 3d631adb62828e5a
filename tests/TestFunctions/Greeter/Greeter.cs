using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;

namespace TestFunctions;

public sealed class GreetRequest
{
    public string Name { get; set; } = "";
    public int Times { get; set; } = 1;
}

public sealed record Greeting(string Message, int Length);

public sealed record EventSummary(string Id, string Type, string Source, string? DataContentType, string? Data, string DataClr);

/// <summary>POCO in, POCO out.</summary>
public static class Greeter
{
    public static Greeting Greet(GreetRequest request)
    {
        var message = string.Join(" ", Enumerable.Repeat($"Hello, {request.Name}!", request.Times));
        return new Greeting(message, message.Length);
    }

    public static async Task<Greeting> GreetAsync(GreetRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return Greet(request);
    }

    public static ValueTask<Greeting> GreetValueTask(GreetRequest request) => new(Greet(request));
}

/// <summary>The whole CloudEvent: proves the host's and the function's CloudEvent are one type.</summary>
public static class EventEcho
{
    public static EventSummary Describe(CloudEvent cloudEvent) => new(
        cloudEvent.Id!, cloudEvent.Type!, cloudEvent.Source!.ToString(), cloudEvent.DataContentType,
        cloudEvent.Data switch
        {
            null => null,
            JsonElement element => element.GetRawText(),
            byte[] bytes => Convert.ToBase64String(bytes),
            var other => other.ToString(),
        },
        cloudEvent.Data?.GetType().FullName ?? "null");
}

public static class Texts
{
    public static string Shout(string text) => text.ToUpperInvariant();

    public static int Count(byte[] data) => data.Length;

    public static string Hex(byte[] data) => Convert.ToHexString(data);

    public static string Utf8Length(string text) => $"{text}:{Encoding.UTF8.GetByteCount(text)}";
}

public static class Sinks
{
    public static int Received;

    public static void Accept(GreetRequest request) => Interlocked.Increment(ref Received);

    public static Task AcceptAsync(GreetRequest request) => Task.CompletedTask;

    public static ValueTask AcceptValueTask(CancellationToken cancellationToken) => default;
}

public static class Thrower
{
    public static Greeting Fail(GreetRequest request) => throw new InvalidOperationException($"Cannot greet {request.Name}.");

    public static async Task<Greeting> FailAsync(GreetRequest request)
    {
        await Task.Delay(1);
        throw new ArgumentOutOfRangeException(nameof(request), "Async failure.");
    }
}

public sealed class VariablesRequest
{
    public string[] Names { get; set; } = [];
}

/// <summary>A variable of the host's environment as the function sees it (a protocol's per-invocation variables).</summary>
public static class EnvironmentReader
{
    public static string Read(string name) => Environment.GetEnvironmentVariable(name) ?? "(unset)";

    /// <summary>Several variables at once, for protocols whose event data is a JSON object (OpenWhisk's parameters).</summary>
    public static Dictionary<string, string> ReadAll(VariablesRequest request) => request.Names.ToDictionary(name => name, Read);
}

/// <summary>A result that is null: protocols whose result must be an object refuse it.</summary>
public static class Nuller
{
    public static Greeting? Nothing(GreetRequest request) => null;
}

/// <summary>Waits <c>Times</c> seconds, honouring the token.</summary>
public static class Chatty
{
    // Writes to Console.Out: in invoke mode the host must keep stdout for the result alone.
    public static Greeting Say(GreetRequest request)
    {
        Console.WriteLine($"chatty: greeting {request.Name}");
        return Greeter.Greet(request);
    }
}

public static class Slow
{
    public static int Cancelled;

    public static async Task<string> Wait(GreetRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(request.Times), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref Cancelled);
            Console.Error.WriteLine($"slow: cancelled waiting for {request.Name}");
            throw;
        }
        return $"waited {request.Times}s";
    }

    public static string CancelledCount() => Cancelled.ToString();
}

/// <summary>Like <see cref="Slow"/>, but says on stderr when it starts: a test sends SIGTERM once it is surely in flight.</summary>
public static class AnnouncedSlow
{
    public static async Task<string> Wait(GreetRequest request, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"slow: started {request.Name}");
        await Task.Delay(TimeSpan.FromSeconds(request.Times), cancellationToken);
        return $"waited {request.Times}s";
    }
}

/// <summary>Instance entry point: one instance per function, so state survives between calls.</summary>
public sealed class Counter
{
    private int _count;

    public int Next() => Interlocked.Increment(ref _count);
}

public sealed class NoDefaultConstructor
{
    public NoDefaultConstructor(int seed) { _ = seed; }

    public int Next() => 1;
}

public static class Unsupported
{
    public static int TwoInputs(string a, string b) => a.Length + b.Length;

    public static int Overloaded(string a) => a.Length;

    public static int Overloaded(byte[] a) => a.Length;

    public static async void FireAndForget(string a) => await Task.Yield();

    public static int ByRef(ref int value) => value;
}

/// <summary>
/// Blocks its thread before the first await (synchronous I/O, a lock, Thread.Sleep): the host must still time it out
/// and keep answering /healthz. Writes "blocker: started &lt;name&gt;" to stderr when it starts.
/// </summary>
public static class Blocker
{
    public static async Task<string> BlockAsync(GreetRequest request, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"blocker: started {request.Name}");
        Thread.Sleep(TimeSpan.FromSeconds(request.Times));
        await Task.Yield();
        return $"blocked {request.Times}s";
    }
}

public sealed record ShippedFileReport(string AtTypeInitialization, string FromBaseDirectory, string FromCurrentDirectory, string BaseDirectory, string CurrentDirectory);

/// <summary>Reads shipped.txt, published beside the assembly, the ways user code does: AppContext.BaseDirectory and a relative path.</summary>
public static class ShippedFile
{
    // Runs before any handler code: the host must have made function/ the base directory before loading the function.
    private static readonly string AtTypeInitialization = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "shipped.txt")).Trim();

    public static ShippedFileReport Read() => new(
        AtTypeInitialization,
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "shipped.txt")).Trim(),
        File.ReadAllText("shipped.txt").Trim(),
        AppContext.BaseDirectory,
        Environment.CurrentDirectory);
}
