using System.Globalization;
using System.Resources;

namespace FunctionPackage.Host;

/// <summary>
/// One row of the host's diagnostics table. <see cref="ExitCode"/>: the process exit code when this code ends the host
/// (a load, usage or startup failure); null for the faults of one invocation, whose exit code (invoke) comes from its
/// outcome (<see cref="Invocation.InvocationOutcome"/>, mapped in <see cref="FunctionRunner"/>).
/// </summary>
public sealed record HostDiagnostic(string Code, int? ExitCode);

/// <summary>
/// The host's diagnostics table: every FPKG4xxx code the host reports, its exit code where one applies, and its
/// message in Diagnostics/Strings.resx (key = code, or <c>code.Variant</c> when one code has several messages).
/// docs/host.md lists the same codes with meaning and fix; HostDiagnosticsTests keeps the three in step.
/// </summary>
public static class HostDiagnostics
{
    private static readonly ResourceManager Resources = new("FunctionPackage.Host.Strings", typeof(HostDiagnostics).Assembly);

    public static IReadOnlyList<HostDiagnostic> All { get; } = new HostDiagnostic[]
    {
        // 400x-401x: the function cannot be loaded or bound.
        new(HostErrorCodes.FunctionNotInstalled, ExitCodes.LoadFailed),
        new(HostErrorCodes.ManifestInvalid, ExitCodes.LoadFailed),
        new(HostErrorCodes.EntryAssemblyMissing, ExitCodes.LoadFailed),
        new(HostErrorCodes.FrameworkNotSupported, ExitCodes.LoadFailed),
        new(HostErrorCodes.EntryAssemblyLoadFailed, ExitCodes.LoadFailed),
        new(HostErrorCodes.EntryTypeNotFound, ExitCodes.LoadFailed),
        new(HostErrorCodes.EntryMethodNotFound, ExitCodes.LoadFailed),
        new(HostErrorCodes.UnsupportedSignature, ExitCodes.LoadFailed),
        new(HostErrorCodes.ConstructorFailed, ExitCodes.LoadFailed),
        new(HostErrorCodes.SharedTypeMismatch, ExitCodes.LoadFailed),
        // Faults of one request or invocation.
        new(HostErrorCodes.UnsupportedCharset, null),
        new(HostErrorCodes.UnsupportedEventFormat, null),
        new(HostErrorCodes.TooManyInvocations, null),
        new(HostErrorCodes.InvocationTimedOut, null),
        new(HostErrorCodes.InvalidEventData, null),
        // The host process's own options and startup.
        new(HostErrorCodes.InvalidUrls, ExitCodes.Usage),
        new(HostErrorCodes.CannotListen, ExitCodes.LoadFailed),
        new(HostErrorCodes.InvalidEventAttribute, ExitCodes.BadInput),
        new(HostErrorCodes.InvalidPort, ExitCodes.LoadFailed),
        new(HostErrorCodes.OptionOutOfRange, ExitCodes.Usage),
        // Vendor protocols.
        new(HostErrorCodes.UnknownProtocol, ExitCodes.Usage),
        new(HostErrorCodes.LambdaRuntimeApiNotSet, ExitCodes.LoadFailed),
        new(HostErrorCodes.LambdaRuntimeApiFailed, ExitCodes.LoadFailed),
        new(HostErrorCodes.LambdaDeadlineExceeded, null),
        new(HostErrorCodes.OpenWhiskAlreadyInitialized, null),
        new(HostErrorCodes.OpenWhiskNotInitialized, null),
        new(HostErrorCodes.OpenWhiskInvalidBody, null),
        new(HostErrorCodes.OpenWhiskCodeNotAccepted, null),
        new(HostErrorCodes.OpenWhiskResultNotObject, null),
        new(HostErrorCodes.OpenWhiskDeadlineExceeded, null),
        new(HostErrorCodes.AzurePortNotSet, ExitCodes.LoadFailed),
        new(HostErrorCodes.AzureAppInvalid, ExitCodes.LoadFailed),
        new(HostErrorCodes.AzureInvocationInvalid, null),
        new(HostErrorCodes.LaunchFileInvalid, ExitCodes.Usage),
    };

    private static readonly Dictionary<string, HostDiagnostic> ByCode = All.ToDictionary(d => d.Code, StringComparer.Ordinal);

    /// <summary>The table row of a code.</summary>
    public static HostDiagnostic Get(string code)
        => ByCode.TryGetValue(code, out var diagnostic) ? diagnostic : throw new ArgumentException($"{code} is not in the host's diagnostics table.", nameof(code));

    /// <summary>The code a message key belongs to: <c>FPKG4002.Schema</c> → <c>FPKG4002</c>.</summary>
    public static string CodeOf(string key)
    {
        var dot = key.IndexOf('.');
        return dot < 0 ? key : key[..dot];
    }

    /// <summary>The message of <paramref name="key"/> with its arguments, without the code prefix.</summary>
    public static string Text(string key, params object?[] args)
    {
        Get(CodeOf(key)); // a message of a code outside the table is a bug, found by the first test that reaches it
        var format = Resources.GetString(key, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"No message {key} in the host's Strings.resx.");
        return string.Format(CultureInfo.InvariantCulture, format, args);
    }

    /// <summary><c>FPKG4xxx: message</c>, as the host prints and answers it.</summary>
    public static string Message(string key, params object?[] args) => $"{CodeOf(key)}: {Text(key, args)}";

    /// <summary>A load or startup failure with its coded message.</summary>
    public static FunctionHostException Error(string key, params object?[] args) => new(CodeOf(key), Text(key, args));

    /// <inheritdoc cref="Error(string, object?[])"/>
    public static FunctionHostException Error(Exception inner, string key, params object?[] args) => new(CodeOf(key), Text(key, args), inner);

    /// <summary>Every message key in Strings.resx (for the table's tests).</summary>
    internal static IEnumerable<string> MessageKeys()
    {
        // Not disposed: the set is the manager's cached one, and disposing it would close it for every later lookup.
        var set = Resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!;
        foreach (System.Collections.DictionaryEntry entry in set) yield return (string)entry.Key;
    }
}
