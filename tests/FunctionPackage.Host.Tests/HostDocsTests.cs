using System.Reflection;
using System.Text.RegularExpressions;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>docs/host.md lists every code (of <see cref="HostDiagnostics"/>, once, with its fix) and exit code the host can report.</summary>
public sealed class HostDocsTests
{
    private static readonly string HostDoc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "host.md"));

    private static IEnumerable<T> Constants<T>(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(T)).Select(f => (T)f.GetRawConstantValue()!);

    [Fact]
    public void Every_host_code_has_a_row_in_the_diagnostics_table()
    {
        var documented = Regex.Matches(HostDoc, @"^\| (FPKG4\d{3}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var missing = Constants<string>(typeof(HostErrorCodes)).Where(c => !documented.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "not in docs/host.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_row_of_the_diagnostics_table_is_a_code_of_the_host_and_names_a_fix()
    {
        var rows = Regex.Matches(HostDoc, @"^\| (FPKG4\d{3}) \|(.*)$", RegexOptions.Multiline).ToList();
        var codes = HostDiagnostics.All.Select(d => d.Code).ToHashSet();
        Assert.All(rows, row => Assert.True(codes.Contains(row.Groups[1].Value), $"docs/host.md documents {row.Groups[1].Value}, which the host does not have"));
        // | code | meaning | fix |: the last cell, the fix, is never empty.
        Assert.All(rows, row => Assert.Matches(@"\|[^|]*\w[^|]*\|\s*$", row.Groups[2].Value));
        Assert.Equal(rows.Count, rows.Select(r => r.Groups[1].Value).Distinct().Count());
    }

    [Fact]
    public void Every_exit_code_is_in_the_exit_code_table()
    {
        foreach (var code in Constants<int>(typeof(ExitCodes))) Assert.Matches(new Regex($@"^\| {code} \|", RegexOptions.Multiline), HostDoc);
    }
}
