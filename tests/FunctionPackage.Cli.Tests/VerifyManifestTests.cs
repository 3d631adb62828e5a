using System.Text;
using System.Text.Json.Nodes;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// Issue 11 items 8 and 9: verify is as strict as the spec. Missing, null and wrong-typed manifest members, two files at
/// one publish destination and entries no file system can hold are coded errors from verify, before install writes anything.
/// </summary>
public sealed class VerifyManifestTests : InstallTestBase
{
    /// <summary>verify (logic and CLI) and install refuse with the code and exit 2; the root is never created.</summary>
    private async Task AssertRefused(string package, string code)
    {
        var result = new PackageVerifier().Verify(package);
        Assert.False(result.IsValid, "expected a refusal");
        Assert.True(result.Issues.Any(i => i.Code == code), string.Join("\n", result.Issues.Select(i => $"{i.Code}: {i.Message}")));
        Assert.Equal(ExitCodes.VerificationFailed, (await RunCli("verify", package)).ExitCode);
        // inspect checks less than verify (no hashes, no layout), but never crashes on what verify refuses.
        Assert.Contains((await RunCli("inspect", package)).ExitCode, new[] { ExitCodes.Success, ExitCodes.VerificationFailed });

        var request = new InstallRequest { Package = package, Root = Root, Sources = new[] { Feed }, WorkingDirectory = Temp.Path };
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => FunctionInstaller.CreateDefault().InstallAsync(request));
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
        Assert.False(Directory.Exists(Root), "verified before anything was written");
    }

    private static JsonObject Dependency(JsonObject root, int index) => root["dependencies"]![index]!.AsObject();

    public static TheoryData<string, string> BrokenMembers() => new()
    {
        { "remove schemaVersion", DiagnosticCodes.ManifestMemberInvalid },
        { "remove profile", DiagnosticCodes.ManifestMemberInvalid },
        { "null schemaVersion", DiagnosticCodes.ManifestMemberInvalid },
        { "string schemaVersion", DiagnosticCodes.ManifestMemberInvalid },
        { "null entryPoint", DiagnosticCodes.ManifestMemberInvalid },
        { "null entryPoint.assembly", DiagnosticCodes.ManifestMemberInvalid },
        { "number entryPoint.shape", DiagnosticCodes.ManifestMemberInvalid },
        { "null dependency", DiagnosticCodes.ManifestMemberInvalid },
        { "null files", DiagnosticCodes.ManifestMemberInvalid },
        { "null id", DiagnosticCodes.ManifestMemberInvalid },
        { "remove runtime", DiagnosticCodes.ManifestMemberInvalid },
        { "null dependency id", DiagnosticCodes.ManifestMemberInvalid },
        { "null assets", DiagnosticCodes.ManifestMemberInvalid },
        { "number destination", DiagnosticCodes.ManifestMemberInvalid },
        { "null file sha512", DiagnosticCodes.ManifestMemberInvalid },
        { "null framework", DiagnosticCodes.ManifestMemberInvalid },
        { "array instead of object", DiagnosticCodes.ManifestMemberInvalid },
        { "id twice", DiagnosticCodes.ManifestMemberInvalid },
    };

    [Theory]
    [MemberData(nameof(BrokenMembers))]
    public async Task A_required_manifest_member_that_is_missing_null_or_mistyped_is_coded(string edit, string code)
    {
        var package = Function().Build(Temp.Folder("out"));
        if (edit == "array instead of object")
        {
            FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, FunctionPackageFormat.ManifestFileName, Encoding.UTF8.GetBytes("[1, 2]")));
        }
        else if (edit == "id twice")
        {
            // Readers disagree on which duplicate wins, so a manifest must not have one.
            FunctionPackageBuilder.EditZip(package, zip =>
            {
                var text = PackageEdits.ReadText(zip, FunctionPackageFormat.ManifestFileName);
                FunctionPackageBuilder.ReplaceEntry(zip, FunctionPackageFormat.ManifestFileName, Encoding.UTF8.GetBytes(text.Replace("\"id\": \"Hello.Function\",", "\"id\": \"Hello.Function\", \"id\": null,")));
            });
        }
        else
        {
            PackageEdits.EditManifestJson(package, root =>
            {
                switch (edit)
                {
                    case "remove schemaVersion": root.Remove("schemaVersion"); break;
                    case "remove profile": root.Remove("profile"); break;
                    case "null schemaVersion": root["schemaVersion"] = null; break;
                    case "string schemaVersion": root["schemaVersion"] = "1"; break;
                    case "null entryPoint": root["entryPoint"] = null; break;
                    case "null entryPoint.assembly": root["entryPoint"]!["assembly"] = null; break;
                    case "number entryPoint.shape": root["entryPoint"]!["shape"] = 7; break;
                    case "null dependency": root["dependencies"]!.AsArray()[0] = null; break;
                    case "null files": root["files"] = null; break;
                    case "null id": root["id"] = null; break;
                    case "remove runtime": root.Remove("runtime"); break;
                    case "null dependency id": Dependency(root, 1)["id"] = null; break;
                    case "null assets": Dependency(root, 0)["assets"] = null; break;
                    case "number destination": Dependency(root, 0)["assets"]![0]!["destination"] = 7; break;
                    case "null file sha512": root["files"]![0]!["sha512"] = null; break;
                    case "null framework": root["runtime"]!["frameworks"]!.AsArray()[0] = null; break;
                    default: throw new ArgumentException(edit);
                }
            });
        }
        await AssertRefused(package, code);
    }

    [Fact]
    public async Task Optional_members_may_be_absent_or_null()
    {
        var builder = Function();
        builder.Sources.Add("https://example.invalid/v3/index.json");
        var package = builder.Build(Temp.Folder("out"));
        PackageEdits.EditManifestJson(package, root =>
        {
            root.Remove("description");
            root.Remove("sources");
            root["runtime"]!["rid"] = null;
            root["future"] = new JsonObject { ["additive"] = true }; // unknown members are ignored within v1
        });
        var result = new PackageVerifier().Verify(package);
        Assert.Empty(result.Issues);
        Assert.Empty(result.Manifest!.Sources);
    }

    [Fact]
    public void A_recorded_entry_point_shape_verifies_and_is_read()
    {
        var package = Function().Build(Temp.Folder("out"));
        PackageEdits.EditManifestJson(package, root => root["entryPoint"]!["shape"] = "static;input=string;cancellation=false;result=value");

        var result = new PackageVerifier().Verify(package);

        Assert.Empty(result.Issues);
        Assert.Equal("static;input=string;cancellation=false;result=value", result.Manifest!.EntryPoint.Shape);
    }

    [Fact]
    public async Task A_missing_schemaVersion_is_not_read_as_1()
    {
        var package = Function().Build(Temp.Folder("out"));
        PackageEdits.EditManifestJson(package, root => root.Remove("schemaVersion"));
        var issue = Assert.Single(new PackageVerifier().Verify(package).Issues);
        Assert.Equal(DiagnosticCodes.ManifestMemberInvalid, issue.Code);
        Assert.Contains("schemaVersion is missing", issue.Message);
        await AssertRefused(package, DiagnosticCodes.ManifestMemberInvalid);
    }

    [Fact]
    public async Task Two_assets_with_one_destination_are_FPKG5016_at_verify()
    {
        var builder = Function();
        builder.EditManifest = m => m.Dependencies[1].Assets[0].Destination = m.Dependencies[0].Assets[0].Destination;
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.InvalidManifestPath);
    }

    [Theory]
    [InlineData("Hello.Function.dll")]  // an asset over the function's own entry assembly
    [InlineData("data/GREETING.TXT")]   // the same file on a case-insensitive file system
    [InlineData("data/greeting.txt/x")] // needs a folder where a function file is
    public async Task An_asset_destination_that_clashes_with_a_function_file_is_FPKG5016(string destination)
    {
        var builder = Function();
        builder.EditManifest = m => m.Dependencies[0].Assets[0].Destination = destination;
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.InvalidManifestPath);
    }

    [Fact]
    public async Task An_asset_the_embedded_dependency_does_not_have_is_FPKG5029_at_verify()
    {
        var builder = Function(FunctionPackageFormat.EmbedMode);
        builder.EditManifest = m => m.Dependencies[0].Assets[0].PathInPackage = "lib/net8.0/Missing.dll";
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.AssetNotInDependency);
    }

    [Fact]
    public async Task An_asset_the_referenced_dependency_does_not_have_is_FPKG5029_before_it_is_extracted()
    {
        var builder = Function();
        builder.EditManifest = m => m.Dependencies[1].Assets[0].PathInPackage = "lib/net8.0/Missing.dll";
        var package = builder.Build(Temp.Folder("out"));
        Assert.Empty(new PackageVerifier().Verify(package).Issues); // not knowable without the dependency

        var request = new InstallRequest { Package = package, Root = Root, Sources = new[] { Feed }, WorkingDirectory = Temp.Path };
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => FunctionInstaller.CreateDefault().InstallAsync(request));
        Assert.Equal(DiagnosticCodes.AssetNotInDependency, ex.Code);
        Assert.False(Directory.Exists(Path.Combine(Root, "functions")), "the function is not installed");
        Assert.False(Directory.Exists(Path.Combine(Root, "packages", "dep.b")), "the dependency is not extracted");
    }

    [Fact]
    public async Task A_file_and_a_folder_of_one_name_are_FPKG5026()
    {
        var builder = Function();
        builder.FunctionFiles["data/x"] = new byte[] { 1 };
        builder.FunctionFiles["data/x/y"] = new byte[] { 2 };
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.UnextractableEntry);
    }

    [Theory]
    [InlineData(256, 1)]  // one name longer than NAME_MAX
    [InlineData(200, 6)]  // a path longer than 1024 bytes of names that each fit
    public async Task An_over_long_entry_name_is_FPKG5026(int segmentLength, int segments)
    {
        var package = Function().Build(Temp.Folder("out"));
        var name = "function/" + string.Join('/', Enumerable.Repeat(new string('n', segmentLength), segments));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, name, new byte[] { 1 }));
        await AssertRefused(package, DiagnosticCodes.UnextractableEntry);
    }

    [Fact]
    public async Task Nuspec_that_is_not_xml_is_FPKG5212()
    {
        var package = Function().Build(Temp.Folder("out"));
        PackageEdits.EditNuspec(package, _ => "<package><metadata><id>x</id><version>not a version</version>");
        await AssertRefused(package, DiagnosticCodes.NuspecUnreadable); // split from FPKG5004
    }

    [Fact]
    public async Task Package_without_a_nuspec_is_FPKG5211()
    {
        var package = Function().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Delete());
        await AssertRefused(package, DiagnosticCodes.NuspecMissing); // split from FPKG5004
    }

    [Fact]
    public async Task Nuspec_dependency_with_a_broken_version_range_is_coded()
    {
        var package = Function().Build(Temp.Folder("out"));
        PackageEdits.EditNuspec(package, text => text.Replace("version=\"[1.0.0]\"", "version=\"[1.0.0,,\"", StringComparison.Ordinal));
        await AssertRefused(package, DiagnosticCodes.NuspecDependenciesMismatch);
    }

    [Fact]
    public async Task Embed_mode_with_a_dependency_listed_twice_is_coded_not_a_crash()
    {
        var builder = Function(FunctionPackageFormat.EmbedMode);
        builder.EditManifest = m => m.Dependencies.Add(m.Dependencies[0]);
        await AssertRefused(builder.Build(Temp.Folder("out")), DiagnosticCodes.ManifestInvalid);
    }
}
