using System.Diagnostics.CodeAnalysis;

// Namespace kept from FunctionPackage.Model (where the manifest uses it) so the CLI and host compile unchanged;
// the type lives here so the rules, the analyzer and the three readers share one definition.
namespace FunctionPackage.Model;

/// <summary>What the single input parameter of an entry point is (recognised by full type name).</summary>
public enum EntryPointInputKind
{
    /// <summary>No input parameter (a trailing CancellationToken does not count).</summary>
    None,
    /// <summary>Any other type: the event data is deserialised into it.</summary>
    Poco,
    /// <summary><c>System.String</c>: the event data as text.</summary>
    String,
    /// <summary><c>System.Byte[]</c>: the event data as raw bytes.</summary>
    Bytes,
    /// <summary><c>CloudNative.CloudEvents.CloudEvent</c>: the whole event.</summary>
    CloudEvent,
}

/// <summary>What an entry point returns.</summary>
public enum EntryPointResultKind
{
    Void,
    /// <summary>Any other type T (including IAsyncEnumerable&lt;T&gt; and the like).</summary>
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>
/// The call shape of a validated entry point: what a host needs to know to invoke it.
/// <para>
/// Compact string form (<see cref="ToString"/>, <see cref="TryParse"/>), four ';'-separated fields in this order:
/// <c>static|instance;input=none|poco|string|bytes|cloudevent;cancellation=true|false;result=void|value|task|taskOfT|valueTask|valueTaskOfT</c>,
/// e.g. <c>static;input=poco;cancellation=true;result=taskOfT</c>.
/// </para>
/// </summary>
public sealed record EntryPointShape(bool IsStatic, EntryPointInputKind Input, bool HasCancellationToken, EntryPointResultKind Result)
{
    public override string ToString() =>
        $"{(IsStatic ? "static" : "instance")};input={Format(Input)};cancellation={(HasCancellationToken ? "true" : "false")};result={Format(Result)}";

    /// <summary>Parses the compact string form written by <see cref="ToString"/> (exact, case-sensitive).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out EntryPointShape? shape)
    {
        shape = null;
        var parts = (text ?? "").Split(';');
        if (parts.Length != 4) return false;

        bool isStatic;
        if (parts[0] == "static") isStatic = true;
        else if (parts[0] == "instance") isStatic = false;
        else return false;

        if (!TryValue(parts[1], "input=", out var inputText)) return false;
        var input = Enum.GetValues(typeof(EntryPointInputKind)).Cast<EntryPointInputKind>().Where(k => Format(k) == inputText).ToList();
        if (input.Count != 1) return false;

        if (!TryValue(parts[2], "cancellation=", out var cancellationText)) return false;
        bool cancellation;
        if (cancellationText == "true") cancellation = true;
        else if (cancellationText == "false") cancellation = false;
        else return false;

        if (!TryValue(parts[3], "result=", out var resultText)) return false;
        var result = Enum.GetValues(typeof(EntryPointResultKind)).Cast<EntryPointResultKind>().Where(k => Format(k) == resultText).ToList();
        if (result.Count != 1) return false;

        shape = new EntryPointShape(isStatic, input[0], cancellation, result[0]);
        return true;
    }

    /// <summary>The token used in the string form: lower-case input kinds (<c>cloudevent</c>).</summary>
    public static string Format(EntryPointInputKind input) => input.ToString().ToLowerInvariant();

    /// <summary>The token used in the string form: camel case result kinds (<c>taskOfT</c>, <c>valueTask</c>).</summary>
    public static string Format(EntryPointResultKind result)
    {
        var name = result.ToString();
        return char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    private static bool TryValue(string part, string prefix, out string value)
    {
        value = part.StartsWith(prefix, StringComparison.Ordinal) ? part.Substring(prefix.Length) : "";
        return value.Length > 0;
    }
}
