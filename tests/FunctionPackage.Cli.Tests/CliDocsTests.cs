using System.Reflection;
using System.Text.RegularExpressions;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Testing;

namespace FunctionPackage.Cli.Tests;

/// <summary>docs/cli.md and <c>fnpkg --help</c> list every code fnpkg can report, with its exit code.</summary>
public sealed class CliDocsTests
{
    private static readonly string CliDoc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cli.md"));

    private static IEnumerable<T> Constants<T>(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(T)).Select(f => (T)f.GetRawConstantValue()!);

    [Fact]
    public void Every_FPKG5xxx_code_has_a_row_in_the_diagnostics_table()
    {
        var documented = Regex.Matches(CliDoc, @"^\| (FPKG5\d{3}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var missing = Constants<string>(typeof(CliDiagnosticCodes)).Where(c => !documented.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "not in docs/cli.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_exit_code_is_in_the_exit_code_table_and_the_help_text()
    {
        foreach (var code in Constants<int>(typeof(ExitCodes)))
        {
            Assert.Matches(new Regex($@"^\| {code} \|", RegexOptions.Multiline), CliDoc);
            Assert.Contains($"{code} ", ExitCodes.HelpText, StringComparison.Ordinal);
        }
    }
}
