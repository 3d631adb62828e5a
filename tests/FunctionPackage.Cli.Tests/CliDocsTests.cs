using System.Reflection;
using System.Text.RegularExpressions;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Testing;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// The diagnostics table: every code fnpkg can report (the install library's and fnpkg's own) is unique, has one exit code
/// in <see cref="ExitCodeTable"/>, a row in docs/cli.md with that exit code, and a test that asserts it.
/// </summary>
public sealed class CliDocsTests
{
    private static readonly string CliDoc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cli.md"));

    private static IEnumerable<FieldInfo> ConstantFields<T>(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(T));

    private static IEnumerable<T> Constants<T>(Type type) => ConstantFields<T>(type).Select(f => (T)f.GetRawConstantValue()!);

    private static readonly FieldInfo[] CodeFields =
        ConstantFields<string>(typeof(DiagnosticCodes)).Concat(ConstantFields<string>(typeof(CliDiagnosticCodes))).ToArray();

    private static string CodeOf(FieldInfo field) => (string)field.GetRawConstantValue()!;

    [Fact]
    public void Every_code_is_unique_and_has_exactly_one_exit_code()
    {
        var codes = CodeFields.Select(CodeOf).ToList();
        var twice = codes.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "codes used by two names: " + string.Join(", ", twice));
        Assert.All(codes, code => Assert.Matches(@"^FPKG5\d{3}$", code));
        var unmapped = codes.Where(c => !ExitCodeTable.All.ContainsKey(c)).ToList();
        Assert.True(unmapped.Count == 0, "not in ExitCodeTable: " + string.Join(", ", unmapped));
        // fnpkg export's FPKG7xxx are checked against docs/export.md by the exporting tests.
        var unknown = ExitCodeTable.All.Keys.Except(codes).Where(c => !c.StartsWith("FPKG7", StringComparison.Ordinal)).ToList();
        Assert.True(unknown.Count == 0, "ExitCodeTable has codes no class defines: " + string.Join(", ", unknown));
        Assert.Equal(ExitCodes.InternalError, ExitCodeTable.For("FPKG5999"));
    }

    /// <summary>Resource keys of a resx: the code, or the code and a number when it has several messages.</summary>
    private static List<string> MessageKeys(string resx)
        => System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, resx)).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();

    [Theory]
    [InlineData(typeof(DiagnosticCodes), "src/FunctionPackage.Installing/Diagnostics/DiagnosticMessages.resx", "src/FunctionPackage.Installing")]
    [InlineData(typeof(CliDiagnosticCodes), "src/FunctionPackage.Cli/Diagnostics/CliMessages.resx", "src/FunctionPackage.Cli")]
    public void Every_code_has_its_messages_in_its_components_resx_and_every_message_is_used(Type codes, string resx, string sources)
    {
        var keys = MessageKeys(resx);
        var codeValues = Constants<string>(codes).ToHashSet();
        static string CodeOfKey(string key) => key.Split('_')[0];
        var withoutMessage = codeValues.Where(c => !keys.Any(k => CodeOfKey(k) == c)).ToList();
        Assert.True(withoutMessage.Count == 0, $"codes without a message in {resx}: " + string.Join(", ", withoutMessage));
        var foreign = keys.Where(k => !codeValues.Contains(CodeOfKey(k)) || !Regex.IsMatch(k, @"^FPKG\d{4}(_\d+)?$")).ToList();
        Assert.True(foreign.Count == 0, $"{resx} has keys of no code of this component: " + string.Join(", ", foreign));
        var code = string.Join("\n", Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, sources), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Select(File.ReadAllText));
        var unused = keys.Where(k => !code.Contains($"\"{k}\"", StringComparison.Ordinal)).ToList();
        Assert.True(unused.Count == 0, $"messages in {resx} nothing formats: " + string.Join(", ", unused));
    }

    [Fact]
    public void Every_code_has_a_row_in_the_diagnostics_table_with_its_exit_code()
    {
        var rows = Regex.Matches(CliDoc, @"^\| (FPKG5\d{3}) \| ([^|]+) \|([^|]*)\|([^|]*)\|\s*$", RegexOptions.Multiline);
        var documented = rows.ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        var stale = documented.Keys.Where(code => !ExitCodeTable.All.ContainsKey(code)).ToList();
        Assert.True(stale.Count == 0, "docs/cli.md documents codes fnpkg does not have: " + string.Join(", ", stale));
        var unexplained = rows.Where(m => m.Groups[3].Value.Trim().Length == 0 || m.Groups[4].Value.Trim().Length == 0).Select(m => m.Groups[1].Value).ToList();
        Assert.True(unexplained.Count == 0, "rows without a meaning or a fix: " + string.Join(", ", unexplained));
        var problems = ExitCodeTable.All
            .Where(row => row.Key.StartsWith("FPKG5", StringComparison.Ordinal))
            .Where(row => !documented.TryGetValue(row.Key, out var exit) || exit != row.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(row => $"{row.Key} (exit {row.Value}; docs: {(documented.TryGetValue(row.Key, out var e) ? e : "no row")})")
            .ToList();
        Assert.True(problems.Count == 0, "docs/cli.md disagrees with ExitCodeTable: " + string.Join(", ", problems));
    }

    [Fact]
    public void Every_code_is_asserted_by_a_test()
    {
        // A test names the constant (DiagnosticCodes.X / CliDiagnosticCodes.X) in an assertion or a helper that asserts it.
        var testSources = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith(nameof(CliDocsTests) + ".cs", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var untested = CodeFields
            .Where(f => !testSources.Any(source => Regex.IsMatch(source, $@"\b{f.DeclaringType!.Name}\.{f.Name}\b") || source.Contains($"\"{CodeOf(f)}\"", StringComparison.Ordinal)))
            .Select(f => $"{CodeOf(f)} ({f.Name})")
            .ToList();
        Assert.True(untested.Count == 0, "no test asserts: " + string.Join(", ", untested));
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
