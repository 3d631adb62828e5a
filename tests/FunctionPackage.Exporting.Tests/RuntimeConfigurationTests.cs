using System.Text.RegularExpressions;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.Oci;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Testing;

namespace FunctionPackage.Exporting.Tests;

/// <summary>The runtime options run and export share, the Knative manifest, the base-image framework reading, and docs/export.md's code table.</summary>
public sealed class RuntimeConfigurationTests : IDisposable
{
    private readonly TestRoot _temp = new("export-unit");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Env_files_then_env_entries_later_wins_sorted_by_name()
    {
        var file = _temp.WriteFile("app.env", "# comment\n\nCURRENCY=USD\nGREETING=hi = there\nEMPTY=\n");
        var env = EnvironmentEntries.Parse(new[] { file }, new[] { "CURRENCY=EUR", "A_FIRST=1" });
        Assert.Equal(new[] { "A_FIRST=1", "CURRENCY=EUR", "EMPTY=", "GREETING=hi = there" }, env.Select(e => $"{e.Key}={e.Value}"));
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("1ABC=x")]
    [InlineData("A-B=x")]
    [InlineData("=x")]
    public void A_malformed_env_entry_is_FPKG7002(string entry)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => EnvironmentEntries.Parse(Array.Empty<string>(), new[] { entry }));
        Assert.Equal(ExportErrors.InvalidEnvironment, ex.Code);
    }

    [Fact]
    public void A_bad_env_file_line_or_a_missing_file_is_FPKG7002_naming_it()
    {
        var file = _temp.WriteFile("bad.env", "OK=1\nnot a line\n");
        var bad = Assert.Throws<FunctionPackageException>(() => EnvironmentEntries.Parse(new[] { file }, Array.Empty<string>()));
        Assert.Equal(ExportErrors.InvalidEnvironment, bad.Code);
        Assert.Contains("line 2", bad.Message);
        var missing = Assert.Throws<FunctionPackageException>(() => EnvironmentEntries.Parse(new[] { _temp.Combine("none.env") }, Array.Empty<string>()));
        Assert.Equal(ExportErrors.InvalidEnvironment, missing.Code);
    }

    [Fact]
    public void Run_passes_env_and_the_body_limit_to_the_host()
    {
        var hostDll = _temp.WriteFile("host/" + HostLauncher.HostAssemblyName, "");
        var start = new HostLauncher(hostDll).CreateServe(_temp.Path, _temp.Path, null, maxRequestBodyBytes: 2048,
            environment: new[] { KeyValuePair.Create("CURRENCY", "EUR") });
        Assert.Equal("EUR", start.Environment["CURRENCY"]);
        var args = start.ArgumentList.ToList();
        Assert.Equal("2048", args[args.IndexOf("--max-request-body-bytes") + 1]);
    }

    [Fact]
    public async Task Run_refuses_a_bad_env_before_installing()
    {
        var root = _temp.Combine("root");
        var exitCode = await CliApplication.RunAsync(new[] { "run", _temp.Combine("missing.nupkg"), "--root", root, "--env", "no-equals" }, new StringWriter());
        Assert.Equal(ExitCodeTable.For(ExportErrors.InvalidEnvironment), exitCode);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void The_Knative_service_pins_the_digest_and_names_a_dns_label()
    {
        Assert.Equal("hello-function", KnativeService.NameFor("Hello.Function"));
        Assert.Equal("fn-1st", KnativeService.NameFor("1st"));
        var yaml = KnativeService.Render("orders", "r.example/fn/orders@sha256:" + new string('a', 64), 8080, new RuntimeConfiguration { MaxConcurrentInvocations = 10 });
        Assert.Contains("  name: \"orders\"\n", yaml);
        Assert.Contains("containerConcurrency: 10\n", yaml);
        Assert.Contains("- image: \"r.example/fn/orders@sha256:" + new string('a', 64) + "\"\n", yaml);
        Assert.Contains("containerPort: 8080\n", yaml);
    }

    [Fact]
    public void Microsoft_images_say_their_frameworks_in_Env()
    {
        var frameworks = BaseImageFrameworks.FromEnv(new[] { "PATH=/usr/bin", "DOTNET_VERSION=10.0.1", "ASPNET_VERSION=10.0.1" });
        Assert.Equal("Microsoft.AspNetCore.App 10.0.1, Microsoft.NETCore.App 10.0.1", BaseImageFrameworks.Describe(frameworks));
        Assert.Empty(BaseImageFrameworks.FromEnv(new[] { "PATH=/usr/bin" }));
    }

    [Fact]
    public void Every_export_code_has_one_exit_code_and_a_row_in_docs_export_md()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "export.md"));
        var rows = Regex.Matches(doc, @"^\| (FPKG7\d{3}) \| (\d+) \|([^|]+)\|([^|]+)\|\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var constants = typeof(ExportErrors).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(constants.OrderBy(c => c), ExportErrors.All.OrderBy(c => c));
        Assert.All(ExportErrors.All, code => Assert.Matches("^FPKG7[0-9]{3}$", code));
        var exportRows = ExitCodeTable.All.Where(row => row.Key.StartsWith("FPKG7", StringComparison.Ordinal)).ToList();
        Assert.Equal(ExportErrors.All.OrderBy(c => c), exportRows.Select(r => r.Key).OrderBy(c => c));
        Assert.Equal(exportRows.OrderBy(r => r.Key), rows.OrderBy(r => r.Key));
    }
}
