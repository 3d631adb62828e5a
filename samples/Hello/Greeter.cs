namespace Hello;

public sealed record GreetRequest(string Name);

public sealed record Greeting(string Message);

/// <summary>The entry point: <c>Hello.Greeter::Handle</c>.</summary>
public static class Greeter
{
    public static Greeting Handle(GreetRequest request)
    {
        var name = string.IsNullOrWhiteSpace(request.Name) ? "world" : request.Name.Trim();
        return new Greeting($"Hello, {name}!");
    }
}
