using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.Tasks;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Tasks;

/// <summary>
/// The <c>PushFunctionPackage</c> task's refusals, before and at the registry (the push itself, against a real registry,
/// is the end-to-end <c>OciPushLifecycleTests</c>), and the FPKG2070–2079 rows: a message each, a README row each.
/// </summary>
public sealed class PushFunctionPackageTaskTests : IDisposable
{
    private readonly TestRoot _root = new("push-task");

    public void Dispose() => _root.Dispose();

    private string Package()
    {
        var path = _root.Combine("Hello.1.0.0.nupkg");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var stream = zip.CreateEntry(FunctionPackageFormat.ManifestFileName).Open())
        {
            stream.Write(FunctionManifestSerializer.Serialize(new FunctionManifest { Id = "Hello", Version = "1.0.0" }));
        }
        return path;
    }

    private static (bool Result, RecordingBuildEngine Engine) Run(string package, string registry, string repository, params string[] insecure)
    {
        var engine = new RecordingBuildEngine();
        var task = new PushFunctionPackage
        {
            BuildEngine = engine, ProjectFile = "Hello.csproj", PackagePath = package, Registry = registry, Repository = repository, InsecureRegistries = insecure,
        };
        return (task.Execute(), engine);
    }

    [Fact]
    public void A_missing_package_is_FPKG2073()
    {
        var (result, engine) = Run(_root.Combine("missing.nupkg"), "127.0.0.1:5000", "fn/hello");
        Assert.False(result);
        Assert.Equal(new[] { DiagnosticCodes.PushPackageUnreadable }, engine.ErrorCodes);
        Assert.Equal("Hello.csproj", engine.Errors[0].File);
    }

    [Fact]
    public void A_repository_that_is_not_a_reference_is_FPKG2070_before_anything_is_sent()
    {
        var (result, engine) = Run(Package(), "127.0.0.1:1", "Fn/Hello", "127.0.0.1:1");
        Assert.False(result);
        Assert.True(engine.ErrorCodes.SequenceEqual(new[] { DiagnosticCodes.PushTargetInvalid }), engine.Log());
        Assert.Contains("FPKG6013", engine.Errors[0].Message);
    }

    [Fact]
    public void An_unreachable_registry_is_FPKG2071_and_plain_HTTP_only_when_named()
    {
        var (result, engine) = Run(Package(), "127.0.0.1:1", "fn/hello", "127.0.0.1:1");
        Assert.False(result);
        Assert.True(engine.ErrorCodes.SequenceEqual(new[] { DiagnosticCodes.PushFailed }), engine.Log());
        Assert.Contains("FPKG6001", engine.Errors[0].Message);
    }

    [Fact]
    public void Every_push_code_has_a_message_and_a_README_row()
    {
        var codes = typeof(DiagnosticCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Where(c => string.CompareOrdinal(c, "FPKG2070") >= 0 && string.CompareOrdinal(c, "FPKG2079") <= 0).ToList();
        Assert.Equal(new[] { "FPKG2070", "FPKG2071", "FPKG2072", "FPKG2073" }, codes);
        var resx = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "FunctionPackage.Sdk", "Diagnostics", "Strings.resx"));
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (var code in codes)
        {
            Assert.Contains(resx.Root!.Elements("data"), d => (string?)d.Attribute("name") == code);
            Assert.Matches(new Regex($@"^\| {code} \| .+ \| .+ \|$", RegexOptions.Multiline), readme);
        }
        // Every property the target reads is documented.
        foreach (var property in new[] { "FunctionPackageRegistry", "FunctionPackageRepository", "FunctionPackageRegistryTag", "FunctionPackageInsecureRegistries" })
        {
            Assert.Matches(new Regex($@"^\| `{property}` \|", RegexOptions.Multiline), readme);
        }
    }
}
