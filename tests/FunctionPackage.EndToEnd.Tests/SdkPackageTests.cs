using System.IO.Compression;
using System.Xml.Linq;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests;

/// <summary>What FunctionPackage.Sdk.nupkg ships, entry by entry, against a checked-in golden list.</summary>
public sealed class SdkPackageTests
{
    private static string GoldenPath => Path.Combine(RepoPaths.Root, "tests", "FunctionPackage.EndToEnd.Tests", "golden", "FunctionPackage.Sdk.entries.txt");

    [Fact]
    public void Sdk_package_entries_match_the_golden_list()
    {
        using var zip = ZipFile.OpenRead(RepoPaths.RequireSdkPackage());
        var actual = zip.Entries.Select(e => NormalizePsmdcp(e.FullName)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var golden = File.ReadAllLines(GoldenPath).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.True(golden.SequenceEqual(actual),
            $"{RepoPaths.SdkPackageFileName} entries differ from {GoldenPath}.\n" +
            $"missing: {string.Join(", ", golden.Except(actual))}\nunexpected: {string.Join(", ", actual.Except(golden))}\n" +
            $"If the change is intended, replace the list with:\n{string.Join("\n", actual)}");
    }

    [Fact]
    public void Sdk_package_is_a_development_dependency_and_an_MSBuild_SDK_with_no_dependencies()
    {
        using var zip = ZipFile.OpenRead(RepoPaths.RequireSdkPackage());
        var nuspecEntry = zip.Entries.Single(e => e.FullName == "FunctionPackage.Sdk.nuspec");
        using var stream = nuspecEntry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

        Assert.Equal("FunctionPackage.Sdk", Child(metadata, "id"));
        Assert.Equal(RepoPaths.SdkVersion, Child(metadata, "version"));
        Assert.Equal("true", Child(metadata, "developmentDependency"));
        var packageTypes = metadata.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => (string?)e.Attribute("name")).ToList();
        Assert.Contains("MSBuildSdk", packageTypes);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        // No compile reference: the task assembly lives in tasks/, never lib/ or ref/.
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) || e.FullName.StartsWith("ref/", StringComparison.Ordinal));
    }

    // NuGet names the OPC core-properties part by a GUID, a content hash or a fixed name, depending on its version
    // and on determinism: the name is not what the SDK ships, so the golden list says "*".
    private static string NormalizePsmdcp(string entry)
        => entry.StartsWith(PsmdcpFolder, StringComparison.Ordinal) && entry.EndsWith(".psmdcp", StringComparison.Ordinal)
            ? PsmdcpFolder + "*.psmdcp"
            : entry;

    private const string PsmdcpFolder = "package/services/metadata/core-properties/";

    private static string? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
