using System.Text.Json;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Packaging;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

public sealed class CycloneDxSbomTests : IDisposable
{
    private readonly PublishFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private (FunctionManifest Manifest, byte[] Sbom, JsonElement Root) Write(FunctionPackageRequest? request = null)
    {
        new FunctionPackageWriter().Write(request ?? _fixture.CreateRequest());
        using var package = new FunctionPackageArchive(_fixture.OutputPath);
        var sbom = package.ReadBytes(FunctionPackageFormat.SbomPath);
        return (package.ReadManifest(), sbom, JsonDocument.Parse(sbom).RootElement.Clone());
    }

    [Fact]
    public void Sbom_is_in_the_package_and_listed_in_files_with_its_hash()
    {
        var (manifest, sbom, root) = Write();

        var entry = Assert.Single(manifest.Files, f => f.Path == FunctionPackageFormat.SbomPath);
        Assert.Equal(ContentHash.Sha512(sbom), entry.Sha512);
        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", root.GetProperty("specVersion").GetString());
        Assert.False(root.GetProperty("metadata").TryGetProperty("timestamp", out _), "no wall-clock timestamp");
    }

    [Fact]
    public void Each_dependency_has_its_purl_exact_version_the_manifests_hash_in_hex_and_whether_it_is_embedded()
    {
        // A local-folder source makes Local.Lib embedded in reference mode; the others stay referenced.
        _fixture.AddPackage("Local.Lib", "3.1.0-beta.1", "bG9jYWw=", source: "/home/builder/local-feed");
        var (manifest, _, root) = Write();

        var components = root.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(manifest.Dependencies.Select(d => d.Id), components.Select(c => c.GetProperty("name").GetString()));
        foreach (var dependency in manifest.Dependencies)
        {
            var component = components.Single(c => c.GetProperty("name").GetString() == dependency.Id);
            Assert.Equal("library", component.GetProperty("type").GetString());
            Assert.Equal(dependency.Version, component.GetProperty("version").GetString());
            Assert.Equal($"pkg:nuget/{dependency.Id}@{dependency.Version}", component.GetProperty("purl").GetString());
            var hash = Assert.Single(component.GetProperty("hashes").EnumerateArray());
            Assert.Equal("SHA-512", hash.GetProperty("alg").GetString());
            Assert.Equal(Convert.FromBase64String(dependency.Sha512), Convert.FromHexString(hash.GetProperty("content").GetString()!));
            Assert.Equal(dependency.Id == "Local.Lib" ? "true" : "false", Property(component, CycloneDxSbom.EmbeddedProperty));
        }
        Assert.Equal("616c706861", Hex(components, "Alpha.Lib"));
    }

    [Fact]
    public void Embed_mode_marks_every_dependency_embedded()
    {
        var (_, _, root) = Write(_fixture.CreateRequest("Embed"));

        Assert.All(root.GetProperty("components").EnumerateArray(), c => Assert.Equal("true", Property(c, CycloneDxSbom.EmbeddedProperty)));
        Assert.Equal("embed", Property(root.GetProperty("metadata").GetProperty("component"), CycloneDxSbom.DependencyModeProperty));
    }

    [Fact]
    public void The_function_is_the_root_component_with_its_own_files_and_their_hashes()
    {
        var (manifest, _, root) = Write();

        var function = root.GetProperty("metadata").GetProperty("component");
        Assert.Equal(("application", "Fn", "1.0.0", "pkg:nuget/Fn@1.0.0"),
            (function.GetProperty("type").GetString(), function.GetProperty("name").GetString(), function.GetProperty("version").GetString(), function.GetProperty("purl").GetString()));
        Assert.Equal("Fn.Handler::Handle", Property(function, CycloneDxSbom.EntryPointProperty));
        var files = function.GetProperty("components").EnumerateArray().ToList();
        var ownFiles = manifest.Files.Where(f => f.Path.StartsWith("function/", StringComparison.Ordinal)).ToList();
        Assert.Equal(ownFiles.Select(f => f.Path), files.Select(f => f.GetProperty("name").GetString()));
        foreach (var (file, component) in ownFiles.Zip(files))
        {
            Assert.Equal("file", component.GetProperty("type").GetString());
            Assert.Equal(CycloneDxSbom.Hex(file.Sha512), Assert.Single(component.GetProperty("hashes").EnumerateArray()).GetProperty("content").GetString());
        }
    }

    [Fact]
    public void Dependency_relationships_come_from_the_deps_json_and_leave_out_packages_outside_the_closure()
    {
        _fixture.DependsOn["Fn"] = new[] { "Alpha.Lib" };
        _fixture.DependsOn["Alpha.Lib"] = new[] { "Zeta.Lib", "Not.In.Closure" };
        var (_, _, root) = Write();

        var graph = root.GetProperty("dependencies").EnumerateArray().ToDictionary(
            d => d.GetProperty("ref").GetString()!,
            d => d.GetProperty("dependsOn").EnumerateArray().Select(x => x.GetString()).ToArray());
        Assert.Equal(new[] { "pkg:nuget/Alpha.Lib@1.0.0" }, graph["pkg:nuget/Fn@1.0.0"]);
        Assert.Equal(new[] { "pkg:nuget/Zeta.Lib@2.0.0" }, graph["pkg:nuget/Alpha.Lib@1.0.0"]);
        Assert.Empty(graph["pkg:nuget/Zeta.Lib@2.0.0"]);
    }

    [Fact]
    public void Same_inputs_give_the_same_bytes_and_the_serial_number_follows_the_inputs()
    {
        var (_, first, firstRoot) = Write();
        File.Delete(_fixture.OutputPath);
        var (_, second, _) = Write();
        Assert.Equal(first, second);

        _fixture.WriteOwnFile("data/prices.json", "{\"apple\": 2}");
        var (_, _, changedRoot) = Write();
        var serial = firstRoot.GetProperty("serialNumber").GetString()!;
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", serial);
        Assert.NotEqual(serial, changedRoot.GetProperty("serialNumber").GetString());
    }

    [Theory]
    [InlineData("Reference")]
    [InlineData("Embed")]
    public void The_sbom_is_valid_against_the_official_CycloneDX_1_6_schema(string mode)
    {
        _fixture.DependsOn["Fn"] = new[] { "Alpha.Lib", "Zeta.Lib" };
        // Real restore hashes are 64 bytes; the fixture's short stand-ins are not valid SHA-512 (the schema checks the length).
        for (var i = 0; i < _fixture.Packages.Count; i++)
        {
            var (id, version, _) = _fixture.Packages[i];
            _fixture.Packages[i] = (id, version, ContentHash.Sha512(System.Text.Encoding.UTF8.GetBytes(id)));
        }
        var (_, sbom, _) = Write(_fixture.CreateRequest(mode));

        SbomValidator.AssertValid(sbom, _fixture.Root);
    }

    [Fact]
    public void The_validator_rejects_a_document_the_schema_forbids()
    {
        // Proves the check can fail: a base64 hash where the schema wants hex.
        var (_, sbom, _) = Write();
        var broken = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(sbom)
            .Replace(CycloneDxSbom.Hex("YWxwaGE="), "YWxwaGE=", StringComparison.Ordinal));
        var path = Path.Combine(_fixture.Root, "broken.cdx.json");
        File.WriteAllBytes(path, broken);

        var (exitCode, output) = SbomValidator.Run(path);

        Assert.True(exitCode == 1, output);
        Assert.Contains("hash-content", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Newtonsoft.Json", "13.0.3", "pkg:nuget/Newtonsoft.Json@13.0.3")]
    [InlineData("A.B", "1.0.0+build.5", "pkg:nuget/A.B@1.0.0%2Bbuild.5")]
    public void Purl_is_percent_encoded_per_the_purl_spec(string id, string version, string purl)
        => Assert.Equal(purl, CycloneDxSbom.Purl(id, version));

    private static string? Property(JsonElement component, string name)
        => component.GetProperty("properties").EnumerateArray().Where(p => p.GetProperty("name").GetString() == name)
            .Select(p => p.GetProperty("value").GetString()).SingleOrDefault();

    private static string? Hex(IEnumerable<JsonElement> components, string name)
        => components.Single(c => c.GetProperty("name").GetString() == name).GetProperty("hashes")[0].GetProperty("content").GetString();
}
