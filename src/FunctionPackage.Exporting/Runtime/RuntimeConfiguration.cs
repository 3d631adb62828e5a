using System.Text.RegularExpressions;

namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// What a platform adds at install time, the same for <c>fnpkg run</c> and every export target: environment variables
/// and the host's limits (docs/host.md names). A null limit leaves the host's default.
/// </summary>
public sealed record RuntimeConfiguration
{
    /// <summary>Ordered by name: the image's Env and a re-export give the same bytes whatever order they were given in.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = Array.Empty<KeyValuePair<string, string>>();
    public double? InvocationTimeoutSeconds { get; init; }
    public long? MaxRequestBodyBytes { get; init; }
    public int? MaxConcurrentInvocations { get; init; }
    /// <summary>Seconds a SIGTERM leaves in-flight requests (the host's <c>--drain-timeout</c>); below the platform's grace period.</summary>
    public double? DrainTimeoutSeconds { get; init; }

    /// <summary>The limits given, as the host's options (<c>--invocation-timeout 10 --drain-timeout 8 …</c>), in a fixed order; unset ones left out.</summary>
    public IReadOnlyList<string> HostOptions()
    {
        var options = new List<string>();
        void Add(string option, string? value)
        {
            if (value is null) return;
            options.Add(option);
            options.Add(value);
        }
        Add("--invocation-timeout", InvocationTimeoutSeconds?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Add("--max-request-body-bytes", MaxRequestBodyBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("--max-concurrent-invocations", MaxConcurrentInvocations?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("--drain-timeout", DrainTimeoutSeconds?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return options;
    }
}

/// <summary>Parses <c>--env-file</c> files and <c>--env K=V</c> entries (later wins), FPKG7002 for a malformed one.</summary>
public static partial class EnvironmentEntries
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    /// <summary>
    /// The files first (in order), then the entries: a command-line <c>--env</c> overrides a file, as in
    /// <c>docker run</c>. File lines: <c>NAME=value</c>; blank lines and lines starting with <c>#</c> are skipped;
    /// the value is taken as written (no quotes removed, no expansion).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(IEnumerable<string> envFiles, IEnumerable<string> entries)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in envFiles)
        {
            if (!File.Exists(file)) throw ExportErrors.EnvironmentFileMissing(file);
            var lineNumber = 0;
            foreach (var line in File.ReadAllLines(file))
            {
                lineNumber++;
                var trimmed = line.TrimStart();
                if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
                Add(values, line.TrimEnd('\r'), $"--env-file {file} line {lineNumber}");
            }
        }
        foreach (var entry in entries) Add(values, entry, "--env");
        return values.ToList();
    }

    private static void Add(SortedDictionary<string, string> values, string entry, string where)
    {
        var equals = entry.IndexOf('=');
        var name = equals < 0 ? entry : entry[..equals];
        if (equals < 0 || !NamePattern().IsMatch(name)) throw ExportErrors.Environment(where, entry);
        values[name] = entry[(equals + 1)..];
    }
}
