using System.Globalization;
using FunctionPackage.Host.Protocols;
using Microsoft.AspNetCore.Http;

namespace FunctionPackage.Host;

/// <summary>
/// The rules of <c>serve</c>'s options, written once: the System.CommandLine validators (<see cref="HostCommandLine.Create()"/>)
/// report them, and <see cref="TryParse"/> — the start-up path that builds no command-line tree — checks them. Each
/// <c>Invalid…</c> returns the coded message, or null when the value is allowed.
/// </summary>
public static class ServeRules
{
    private const string Function = "--function", Packages = "--packages", Urls = "--urls", MaxBody = "--max-request-body-bytes",
        Timeout = "--invocation-timeout", MaxConcurrent = "--max-concurrent-invocations", Protocol = "--protocol", Drain = "--drain-timeout";

    public static string? InvalidProtocol(string? name)
        => name is not null && !HostProtocols.All.Contains(name)
            ? HostDiagnostics.Message(HostErrorCodes.UnknownProtocol, name, string.Join(", ", HostProtocols.All))
            : null;

    public static string? InvalidMaxConcurrent(int max)
        => max < 0 ? HostDiagnostics.Message(HostErrorCodes.OptionOutOfRange + ".MaxConcurrent", max) : null;

    public static string? InvalidMaxBody(long bytes)
        => bytes <= 0 ? HostDiagnostics.Message(HostErrorCodes.OptionOutOfRange + ".MaxBody", bytes) : null;

    /// <summary>The upper bound is CancelAfter's (int.MaxValue ms): beyond it the timer, and so every invocation, would throw.</summary>
    public static string? InvalidInvocationTimeout(double seconds)
        => InSeconds(seconds) ? null : HostDiagnostics.Message(HostErrorCodes.OptionOutOfRange, seconds, HostCommandLine.MaxInvocationTimeoutSeconds);

    public static string? InvalidDrainTimeout(double seconds)
        => InSeconds(seconds) ? null : HostDiagnostics.Message(HostErrorCodes.OptionOutOfRange + ".Drain", seconds, HostCommandLine.MaxInvocationTimeoutSeconds);

    private static bool InSeconds(double seconds) => seconds >= 0 && seconds <= HostCommandLine.MaxInvocationTimeoutSeconds;

    /// <summary>
    /// FPKG4051 for the first entry Kestrel would refuse at startup, with a stack trace and no code: checked with
    /// Kestrel's own parser (<see cref="BindingAddress"/>) and its scheme rule (http or https), before the function loads.
    /// Its own method: the only rule that names an ASP.NET Core type, compiled only when --urls is given.
    /// </summary>
    public static string? InvalidUrl(string? urls)
    {
        var entries = HostCommandLine.SplitUrls(urls ?? "");
        if (entries.Length == 0) return Usage("''", "names no address");
        foreach (var url in entries)
        {
            try
            {
                var address = BindingAddress.Parse(url);
                if (address.Scheme is not ("http" or "https")) return Usage($"'{url}'", $"has the scheme '{address.Scheme}'; only http and https are served");
                // BindingAddress takes "127.0.0.1:notaport" as a host name (which Kestrel would bind on every interface).
                var badPort = !address.IsUnixPipe && (address.Port is < 0 or > 65535 || (address.Host.Contains(':') && !address.Host.StartsWith('[')));
                if (badPort) return Usage($"'{url}'", "has no valid port (0-65535)");
            }
            catch (FormatException)
            {
                return Usage($"'{url}'", "is not a URL");
            }
        }
        return null;

        static string Usage(string url, string problem)
            => HostDiagnostics.Message(HostErrorCodes.InvalidUrls, url, problem, HostCommandLine.DefaultUrls);
    }

    /// <summary>The options of one <c>serve</c>, from values the rules above allowed; the protocol resolved from the environment when not given.</summary>
    public static ServeOptions Options(string functionDirectory, string? urls, long maxRequestBodyBytes, double invocationTimeoutSeconds,
        int maxConcurrentInvocations, string? protocol, double drainTimeoutSeconds, string? packagesFolder)
        => new(functionDirectory, urls, maxRequestBodyBytes, TimeSpan.FromSeconds(invocationTimeoutSeconds), maxConcurrentInvocations,
            HostProtocols.Resolve(protocol, Environment.GetEnvironmentVariable))
        {
            DrainTimeout = TimeSpan.FromSeconds(drainTimeoutSeconds),
            PackagesFolder = packagesFolder,
        };

    /// <summary>
    /// <c>serve</c> followed by distinct <c>--name value</c> pairs of its options, every value plain (no leading <c>-</c>
    /// or <c>@</c>; numbers of digits, with a '.' only where the current culture's decimal separator is one, so they
    /// parse as System.CommandLine parses them) and allowed by the rules; null for anything else — help, another
    /// command, other spellings, a refused value — which the full command line then handles and reports.
    /// </summary>
    public static ServeOptions? TryParse(IReadOnlyList<string> args)
    {
        if (args.Count < 3 || args[0] != "serve" || args.Count % 2 == 0) return null;
        string? function = null, packages = null, urls = null, protocol = null;
        long maxBody = HostCommandLine.DefaultMaxRequestBodyBytes;
        double timeout = HostCommandLine.DefaultInvocationTimeoutSeconds, drain = HostCommandLine.DefaultDrainTimeoutSeconds;
        var maxConcurrent = HostCommandLine.DefaultMaxConcurrentInvocations;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            var (name, value) = (args[i], args[i + 1]);
            if (!seen.Add(name) || value.Length == 0 || value[0] is '-' or '@') return null;
            var valid = name switch
            {
                Function => (function = value) is not null,
                Packages => (packages = value) is not null,
                Urls => InvalidUrl(urls = value) is null,
                Protocol => InvalidProtocol(protocol = value) is null,
                MaxBody => PlainNumber(value, point: false) && long.TryParse(value, NumberStyles.None, CultureInfo.CurrentCulture, out maxBody) && InvalidMaxBody(maxBody) is null,
                MaxConcurrent => PlainNumber(value, point: false) && int.TryParse(value, NumberStyles.None, CultureInfo.CurrentCulture, out maxConcurrent) && InvalidMaxConcurrent(maxConcurrent) is null,
                Timeout => PlainNumber(value, point: true) && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.CurrentCulture, out timeout) && InvalidInvocationTimeout(timeout) is null,
                Drain => PlainNumber(value, point: true) && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.CurrentCulture, out drain) && InvalidDrainTimeout(drain) is null,
                _ => false,
            };
            if (!valid) return null;
        }
        if (function is null) return null;
        return Options(Path.GetFullPath(function), urls, maxBody, timeout, maxConcurrent, protocol, drain, packages is null ? null : Path.GetFullPath(packages));
    }

    private static bool PlainNumber(string value, bool point)
    {
        var points = 0;
        foreach (var c in value)
        {
            if (c == '.') points++;
            else if (c is < '0' or > '9') return false;
        }
        return points == 0 || (point && points == 1 && CultureInfo.CurrentCulture.NumberFormat.NumberDecimalSeparator == ".");
    }

    /// <summary>
    /// <c>serve</c> as the command line's action runs it, its unhandled-exception answer included (System.CommandLine's
    /// default handler: exit 1, the exception on stderr unless it is a cancellation), so both paths end the same way.
    /// </summary>
    internal static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await FunctionServer.RunAsync(options, cancellationToken);
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException) Console.Error.WriteLine($"Unhandled exception: {ex}");
            return 1;
        }
    }
}
