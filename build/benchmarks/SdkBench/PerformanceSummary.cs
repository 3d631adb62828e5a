using System.Text.RegularExpressions;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// The target and task tables of an MSBuild performance summary (`-flp:...;performancesummary`). Target times are
/// exclusive (a target's time does not include the targets it depends on), so summing targets never double counts.
/// </summary>
public sealed partial class PerformanceSummary
{
    private PerformanceSummary(Dictionary<string, (int Ms, int Calls)> targets, Dictionary<string, (int Ms, int Calls)> tasks)
    {
        Targets = targets;
        Tasks = tasks;
    }

    public IReadOnlyDictionary<string, (int Ms, int Calls)> Targets { get; }
    public IReadOnlyDictionary<string, (int Ms, int Calls)> Tasks { get; }

    public static PerformanceSummary Parse(string log)
    {
        var targets = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var tasks = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        Dictionary<string, (int, int)>? current = null;
        foreach (var line in log.Split('\n'))
        {
            if (line.StartsWith("Target Performance Summary:", StringComparison.Ordinal)) { current = targets; continue; }
            if (line.StartsWith("Task Performance Summary:", StringComparison.Ordinal)) { current = tasks; continue; }
            if (line.Length > 0 && !char.IsWhiteSpace(line[0])) { current = null; continue; }
            if (current == null) continue;
            var match = Row().Match(line);
            if (match.Success) current[match.Groups[2].Value] = (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[3].Value));
        }
        if (targets.Count == 0) throw new InvalidOperationException("The log has no Target Performance Summary.");
        return new PerformanceSummary(targets, tasks);
    }

    /// <summary>The SDK's own targets: public FunctionPackage* and internal _FunctionPackage*.</summary>
    public IEnumerable<KeyValuePair<string, (int Ms, int Calls)>> SdkTargets()
        => Targets.Where(t => t.Key.StartsWith("FunctionPackage", StringComparison.Ordinal) || t.Key.StartsWith("_FunctionPackage", StringComparison.Ordinal))
                  .OrderBy(t => t.Key, StringComparer.Ordinal);

    [GeneratedRegex(@"^\s+(\d+) ms\s+(\S+)\s+(\d+) calls")]
    private static partial Regex Row();
}
