using System.Reflection;
using System.Text.RegularExpressions;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// The host's one diagnostics table (<see cref="HostDiagnostics"/>): every code is unique, has a message in
/// Diagnostics/Strings.resx, is asserted by some test, and has a row in docs/host.md (<see cref="HostDocsTests"/>).
/// </summary>
public sealed class HostDiagnosticsTests
{
    private static readonly Dictionary<string, string> CodesByName = typeof(HostErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void Every_code_is_in_the_table_once_and_the_table_holds_only_codes()
    {
        var tableCodes = HostDiagnostics.All.Select(d => d.Code).ToList();
        Assert.True(tableCodes.Distinct().Count() == tableCodes.Count, "twice in the table: " + string.Join(", ", tableCodes.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key)));
        Assert.True(CodesByName.Values.Distinct().Count() == CodesByName.Count, "two HostErrorCodes names share a code");
        Assert.Equal(CodesByName.Values.Order(), tableCodes.Order());
        Assert.All(tableCodes, code => Assert.Matches(@"^FPKG4\d{3}$", code));
    }

    [Fact]
    public void Every_code_has_a_message_and_every_message_belongs_to_a_code()
    {
        var keys = HostDiagnostics.MessageKeys().ToList();
        var tableCodes = HostDiagnostics.All.Select(d => d.Code).ToHashSet();
        Assert.All(tableCodes, code => Assert.Contains(code, keys));
        Assert.All(keys, key => Assert.Contains(HostDiagnostics.CodeOf(key), tableCodes));
    }

    [Fact]
    public void A_message_starts_with_its_code_and_an_unknown_code_is_refused()
    {
        Assert.Equal("FPKG4001: '/x/function.json' does not exist. Pass --function the folder 'fnpkg install' created (<root>/functions/<id>/<version>).",
            HostDiagnostics.Message(HostErrorCodes.FunctionNotInstalled, "/x/function.json"));
        var error = HostDiagnostics.Error(HostErrorCodes.ManifestInvalid + ".Incomplete", "/x/function.json");
        Assert.Equal(HostErrorCodes.ManifestInvalid, error.Code);
        Assert.Contains("lacks id, version or entryPoint {assembly, type, method}", error.Message);
        Assert.Throws<ArgumentException>(() => HostDiagnostics.Message("FPKG4999"));
    }

    [Fact]
    public void Every_exit_code_in_the_table_is_a_documented_exit_code()
    {
        var exitCodes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToHashSet();
        Assert.All(HostDiagnostics.All.Where(d => d.ExitCode is not null), d => Assert.Contains(d.ExitCode!.Value, exitCodes));
        Assert.All(HostDiagnostics.All.Where(d => d.ExitCode is not null), d => Assert.NotEqual(ExitCodes.Success, d.ExitCode));
    }

    [Fact]
    public void Every_code_is_asserted_by_a_test()
    {
        // A test names a code as its constant (HostErrorCodes.ManifestInvalid) or literally ("FPKG4011"); this file and
        // the docs test, which list every code, do not count.
        var sources = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "FunctionPackage.Host.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(p => Path.GetFileName(p) is not (nameof(HostDiagnosticsTests) + ".cs" or nameof(HostDocsTests) + ".cs"))
            .Select(File.ReadAllText).ToList();
        var untested = CodesByName.Where(code => !sources.Any(s => Regex.IsMatch(s, $@"HostErrorCodes\.{code.Key}\b|""{code.Value}")))
            .Select(code => $"{code.Value} ({code.Key})").ToList();
        Assert.True(untested.Count == 0, "no test asserts: " + string.Join(", ", untested));
    }
}
