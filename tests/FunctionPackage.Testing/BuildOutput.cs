using System.Text;
using System.Text.RegularExpressions;

namespace FunctionPackage.Testing;

/// <summary>An error or warning as MSBuild printed it in canonical form.</summary>
/// <param name="Code">The diagnostic code (<c>FPKG1004</c>, <c>CS0103</c>, <c>NU1101</c>), or empty when it had none.</param>
/// <param name="File">The origin before the colon without <c>(line,col)</c>: a file path or a tool name such as <c>MSBUILD</c>.</param>
/// <param name="Project">The <c>[project]</c> suffix MSBuild appends, when present.</param>
public sealed record BuildDiagnostic(string Code, string Message, string? File, int? Line, int? Column, string? Project);

/// <summary>
/// The result of one <c>dotnet</c> process: exit status, every line it printed (stdout and stderr interleaved as
/// they arrived) and the errors and warnings parsed from MSBuild's canonical lines, with their codes.
/// </summary>
public sealed class BuildOutput
{
    // origin(line,col): [subcategory] error|warning CODE: text [project]
    // The origin is optional (`error NU1101: ...`) and may be a tool (`MSBUILD : error MSB1009: ...`).
    private static readonly Regex Canonical = new(
        @"^(?:(?<origin>.*?)(?:\((?<line>\d+)(?:,(?<col>\d+))?(?:[-,]\d+)*\))?\s*:\s*)?(?:[^:]*?\s)?(?<category>error|warning)(?:\s+(?<code>[A-Za-z]+[0-9]+))?\s*:\s*(?<text>.*?)(?:\s+\[(?<project>[^\[\]]+)\])?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

    // With several nodes the console logger prefixes lines with "N>".
    private static readonly Regex NodePrefix = new(@"^\s*\d+>", RegexOptions.CultureInvariant);

    private readonly string _commandLine;

    public BuildOutput(string commandLine, int exitCode, IReadOnlyList<string> lines, bool timedOut = false)
    {
        _commandLine = commandLine;
        ExitCode = exitCode;
        TimedOut = timedOut;
        Messages = lines;
        var errors = new List<BuildDiagnostic>();
        var warnings = new List<BuildDiagnostic>();
        foreach (var line in lines)
        {
            if (!TryParse(line, out var isError, out var diagnostic)) continue;
            (isError ? errors : warnings).Add(diagnostic);
        }
        // The console logger repeats every diagnostic in its closing summary (dotnet build re-enables it even
        // with NoSummary): one diagnostic, one record.
        Errors = errors.Distinct().ToList();
        Warnings = warnings.Distinct().ToList();
    }

    public int ExitCode { get; }

    public bool TimedOut { get; }

    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public IReadOnlyList<BuildDiagnostic> Errors { get; }

    public IReadOnlyList<BuildDiagnostic> Warnings { get; }

    /// <summary>Every line the process printed, in order.</summary>
    public IReadOnlyList<string> Messages { get; }

    public IEnumerable<string> ErrorCodes => Errors.Select(e => e.Code);

    public IEnumerable<string> WarningCodes => Warnings.Select(w => w.Code);

    /// <summary>The command line and everything the process printed, for assertion messages.</summary>
    public string GetConsoleLog()
    {
        var log = new StringBuilder();
        log.Append("> ").AppendLine(_commandLine);
        log.Append("exit code ").Append(ExitCode).AppendLine(TimedOut ? " (timed out, process tree killed)" : "");
        foreach (var line in Messages) log.AppendLine(line);
        return log.ToString();
    }

    public override string ToString() => GetConsoleLog();

    /// <summary>Parses one MSBuild canonical error/warning line.</summary>
    public static bool TryParse(string line, out bool isError, out BuildDiagnostic diagnostic)
    {
        isError = false;
        diagnostic = null!;
        var text = NodePrefix.Replace(line, "").Trim();
        if (text.Length == 0 || text.IndexOf("error", StringComparison.Ordinal) < 0 && text.IndexOf("warning", StringComparison.Ordinal) < 0)
        {
            return false;
        }
        var match = Canonical.Match(text);
        if (!match.Success) return false;

        var origin = match.Groups["origin"].Success ? match.Groups["origin"].Value.Trim() : null;
        // Prose such as "Build FAILED." or "0 Error(s)" never matches: the category must be followed by a code or a colon.
        isError = match.Groups["category"].Value == "error";
        diagnostic = new BuildDiagnostic(
            Code: match.Groups["code"].Success ? match.Groups["code"].Value : "",
            Message: match.Groups["text"].Value,
            File: string.IsNullOrEmpty(origin) ? null : origin,
            Line: match.Groups["line"].Success ? int.Parse(match.Groups["line"].Value) : null,
            Column: match.Groups["col"].Success ? int.Parse(match.Groups["col"].Value) : null,
            Project: match.Groups["project"].Success ? match.Groups["project"].Value : null);
        return true;
    }
}
