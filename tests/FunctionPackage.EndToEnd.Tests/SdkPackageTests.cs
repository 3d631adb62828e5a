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

    /// <summary>
    /// The ReadyToRun copy of the task folder (issue 12) is the IL folder compiled, file for file: the same assemblies
    /// (module version ids), each with native code for linux-x64, while the IL folder every other platform loads has none.
    /// </summary>
    [Fact]
    public void Sdk_package_readytorun_task_folder_is_the_il_task_folder_compiled_for_linux_x64()
    {
        using var zip = ZipFile.OpenRead(RepoPaths.RequireSdkPackage());
        const string il = "tasks/net8.0/";
        var readyToRun = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith(il + "readytorun/", StringComparison.Ordinal))
            .Select(n => n[..(n.LastIndexOf('/') + 1)]).Distinct().ToList();
        var folder = Assert.Single(readyToRun);
        Assert.Matches(@"^tasks/net8\.0/readytorun/linux-x64-net\d+/$", folder);

        var ilDlls = zip.Entries.Where(e => e.FullName.StartsWith(il, StringComparison.Ordinal) && e.FullName.LastIndexOf('/') == il.Length - 1 && e.Name.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        Assert.Contains(ilDlls, e => e.Name == "FunctionPackage.Sdk.dll");
        Assert.Contains(ilDlls, e => e.Name == "NuGet.Packaging.dll");
        foreach (var ilDll in ilDlls)
        {
            var compiled = zip.GetEntry(folder + ilDll.Name);
            Assert.True(compiled is not null, $"{folder} lacks {ilDll.Name}");
            var (ilMvid, ilNative) = Inspect(ilDll);
            var (mvid, native) = Inspect(compiled!);
            Assert.Equal(ilMvid, mvid);
            Assert.False(ilNative, $"{ilDll.FullName} has ReadyToRun code: it would not load off linux-x64");
            Assert.True(native, $"{compiled!.FullName} has no ReadyToRun code");
        }
        Assert.NotNull(zip.GetEntry(folder + "FunctionPackage.Sdk.deps.json"));
    }

    private static (Guid Mvid, bool ReadyToRun) Inspect(ZipArchiveEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(buffer);
        buffer.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(buffer);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var mvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        return (mvid, pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
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
