using System.Reflection;
using System.Text.RegularExpressions;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests;

/// <summary>docs/oci.md has one row per FPKG6xxx code, and no row for a code that does not exist.</summary>
public sealed class OciDocsTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "oci.md"));

    private static IReadOnlyList<string> Codes => typeof(OciErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();

    [Fact]
    public void Every_code_has_one_row_and_every_row_is_a_code()
    {
        var rows = Regex.Matches(Doc, @"^\| (FPKG\d{4}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Codes.OrderBy(c => c, StringComparer.Ordinal), rows.OrderBy(c => c, StringComparer.Ordinal));
        Assert.All(Codes, c => Assert.Matches(@"^FPKG60\d\d$", c)); // our range: FPKG6000–6099
        Assert.Equal(Codes.Count, Codes.Distinct().Count());
    }
}
