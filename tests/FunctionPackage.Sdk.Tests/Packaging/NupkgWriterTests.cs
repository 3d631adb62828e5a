using System.IO.Compression;
using System.Security.Cryptography;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Packaging;
using NuGet.Frameworks;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Versioning;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

/// <summary>
/// The direct .nupkg writer against NuGet's PackageBuilder, which wrote every function package before it (issue 12):
/// for each shape of package the same request must give the same bytes through both, and NuGet must read the result.
/// </summary>
public sealed class NupkgWriterTests : IDisposable
{
    private readonly PublishFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    public static TheoryData<string> Shapes => new()
    {
        "no-dependencies", "dependencies", "satellites", "native-assets", "embed-mode", "recorded-sources",
        "odd-file-names", "prerelease-identity", "fallback-target-framework",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Direct_writer_bytes_equal_PackageBuilder_bytes(string shape)
    {
        var request = Shape(shape);
        var direct = Write(request, new FunctionPackageWriter(), "direct.nupkg");
        var reference = Write(request, new FunctionPackageWriter(PackageBuilderSave), "builder.nupkg");

        Assert.True(direct.AsSpan().SequenceEqual(reference), $"{shape}: the direct writer's bytes differ from PackageBuilder's.\n{Describe(direct, reference)}");

        // NuGet's reading side accepts it: identity, package type, dependencies and every file.
        using var reader = new PackageArchiveReader(new MemoryStream(direct));
        Assert.Equal(request.PackageId, reader.GetIdentity().Id);
        Assert.Equal(FunctionPackageFormat.PackageType, Assert.Single(reader.GetPackageTypes()).Name);
        using var archive = new FunctionPackage.Testing.FunctionPackageArchive(WrittenPath("direct.nupkg"));
        var manifest = archive.ReadManifest();
        Assert.Equal(manifest.Dependencies.Select(d => d.Id), reader.GetPackageDependencies().Single().Packages.Select(p => p.Id));
        Assert.Equal(archive.EntryNames.Count(), reader.GetFiles().Count());
        // Every listed file is an entry, but a *.nuspec of the function's own, which PackageBuilder always left out.
        Assert.Subset(archive.EntryNames.ToHashSet(StringComparer.Ordinal),
            manifest.Files.Select(f => f.Path).Where(p => !p.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)).ToHashSet(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Direct_zip_bytes_equal_ZipArchive_bytes(string shape)
    {
        // The same entries through ZipArchive, as NupkgWriter wrote them before PackageZip: same bytes, cache cold or warm.
        var request = Shape(shape);
        var reference = Write(request, new FunctionPackageWriter((stream, content) => PackageZip.WriteWithZipArchive(stream, NupkgWriter.Entries(content))), "ziparchive.nupkg");
        for (var pass = 1; pass <= 2; pass++)
        {
            var direct = Write(request, new FunctionPackageWriter(), $"direct{pass}.nupkg");
            Assert.True(direct.AsSpan().SequenceEqual(reference), $"{shape}, pass {pass}: the direct zip differs from ZipArchive's.\n{Describe(direct, reference)}");
        }
    }

    [Theory]
    [InlineData("Fn")]
    [InlineData("Contoso.Orders-Fn_2")]
    [InlineData("Ünïcode.Ids")]
    [InlineData("1.2.3")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a-")]
    [InlineData("a b")]
    [InlineData("a+b")]
    [InlineData("a/b")]
    public void The_package_id_rule_is_NuGets(string id)
    {
        var request = _fixture.CreateRequest();
        request.PackageId = id;
        var accepted = true;
        try { new FunctionPackageWriter().Write(request); }
        catch (Diagnostics.FunctionPackageException ex) when (ex.Code == Diagnostics.DiagnosticCodes.InvalidPackageIdentity) { accepted = false; }
        Assert.Equal(PackageIdValidator.IsValidPackageId(id), accepted);
    }

    private FunctionPackageRequest Shape(string shape)
    {
        switch (shape)
        {
            case "no-dependencies":
                _fixture.Packages.Clear();
                _fixture.Assets.Clear();
                return _fixture.CreateRequest();
            case "dependencies":
                // deps.json keys with four-part and non-normalized versions: the nuspec carries them normalized.
                _fixture.AddPackage("Four.Part", "1.2.3.0", "Zm91cg==");
                _fixture.AddPackage("Pre.Release", "2.0.0-RC.1", "cHJl");
                _fixture.DependsOn["Fn"] = new[] { "Alpha.Lib", "Zeta.Lib" };
                return _fixture.CreateRequest();
            case "satellites":
                _fixture.WriteOwnFile("fr/Fn.resources.dll", "fr resources");
                _fixture.WriteOwnFile("de-CH/Fn.resources.dll", "de-CH resources");
                _fixture.Assets.Add(new PackageAsset("Alpha.Lib", "1.0.0", "lib/net8.0/fr/Alpha.Lib.resources.dll", "resources", null, "fr", "fr/Alpha.Lib.resources.dll"));
                return _fixture.CreateRequest();
            case "native-assets":
                // Larger than one copy buffer, incompressible: deflate's block boundaries and stored fallbacks are exercised.
                WriteOwnBytes("runtimes/linux-x64/native/libfn.so", RandomNumberGenerator.GetBytes(300_000));
                WriteOwnBytes("runtimes/linux-arm64/native/libfn.so", Enumerable.Range(0, 200_000).Select(i => (byte)(i % 251)).ToArray());
                _fixture.Assets.Add(new PackageAsset("Zeta.Lib", "2.0.0", "runtimes/linux-x64/native/libzeta.so", "native", "linux-x64", null, "runtimes/linux-x64/native/libzeta.so"));
                return _fixture.CreateRequest();
            case "embed-mode":
                return _fixture.CreateRequest("Embed");
            case "recorded-sources":
                var withSources = _fixture.CreateRequest();
                withSources.RecordSources = true;
                withSources.RestoreSources = new List<string> { "https://user:secret@feed.example/v3/index.json?sig=x" };
                return withSources;
            case "odd-file-names":
                _fixture.WriteOwnFile("a b/ü%20+#[x].txt", "odd");
                _fixture.WriteOwnFile("LICENSE", "no extension");
                _fixture.WriteOwnFile("bin/run", "no extension either");
                _fixture.WriteOwnFile(".hidden", "dot file");
                _fixture.WriteOwnFile("Upper.DLL", "upper-case extension");
                _fixture.WriteOwnFile("lower.dll", "lower-case extension");
                // PackageBuilder leaves out any *.nuspec but its own (yet lists the extension); the direct writer does the same.
                _fixture.WriteOwnFile("tools/extra.nuspec", "<package />");
                return _fixture.CreateRequest();
            case "prerelease-identity":
                var identity = _fixture.CreateRequest();
                identity.PackageVersion = "01.2.3-Beta.1+build.5";
                identity.Authors = "Ann; Bob, Ann ,Cy";
                identity.Description = "Line one\r\n\tline two é \u2028 ";
                identity.TargetFramework = "net8.0";
                return identity;
            case "fallback-target-framework":
                var fallback = _fixture.CreateRequest();
                fallback.TargetFramework = "netcoreapp3.1";
                fallback.Description = "";
                fallback.Authors = "";
                return fallback;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }
    }

    private void WriteOwnBytes(string relativePath, byte[] bytes)
    {
        _fixture.WriteOwnFile(relativePath, "");
        File.WriteAllBytes(Path.Combine(_fixture.PublishDir, relativePath), bytes);
    }

    private string WrittenPath(string name) => Path.Combine(_fixture.Root, "compare", name);

    private byte[] Write(FunctionPackageRequest request, FunctionPackageWriter writer, string name)
    {
        request.OutputPath = WrittenPath(name);
        writer.Write(request);
        return File.ReadAllBytes(request.OutputPath);
    }

    /// <summary>How FunctionPackageWriter saved packages before the direct writer: NuGet's PackageBuilder.</summary>
    private static void PackageBuilderSave(Stream stream, NupkgContent content)
    {
        var builder = new PackageBuilder(deterministic: true)
        {
            Id = content.Id,
            Version = content.Version,
            Description = content.Description,
            DeterministicTimestamp = FunctionPackageFormat.DeterministicTimestamp.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        foreach (var author in content.Authors) builder.Authors.Add(author);
        builder.PackageTypes.Add(new PackageType(FunctionPackageFormat.PackageType, PackageType.EmptyVersion));
        builder.DependencyGroups.Add(new PackageDependencyGroup(NuGetFramework.Parse(content.TargetFramework),
            content.Dependencies.Select(d => new PackageDependency(d.Id, new VersionRange(d.Version, true, d.Version, true)))));
        foreach (var file in content.Files)
        {
            builder.Files.Add(file.Bytes is not null
                ? new PhysicalPackageFile(new MemoryStream(file.Bytes)) { TargetPath = file.Path }
                : new PhysicalPackageFile { SourcePath = file.SourcePath, TargetPath = file.Path });
        }
        builder.Save(stream);
    }

    /// <summary>Entry names in order, then each entry whose header or content differs, with both texts for the XML parts.</summary>
    private static string Describe(byte[] direct, byte[] reference)
    {
        using var a = new ZipArchive(new MemoryStream(direct));
        using var b = new ZipArchive(new MemoryStream(reference));
        var lines = new List<string>
        {
            "direct:  " + string.Join(" | ", a.Entries.Select(e => e.FullName)),
            "builder: " + string.Join(" | ", b.Entries.Select(e => e.FullName)),
        };
        foreach (var (x, y) in a.Entries.Zip(b.Entries))
        {
            var left = Read(x);
            var right = Read(y);
            if (x.FullName == y.FullName && x.CompressedLength == y.CompressedLength && x.LastWriteTime == y.LastWriteTime && left.AsSpan().SequenceEqual(right)) continue;
            lines.Add($"entry {x.FullName} ({x.CompressedLength} B, {x.LastWriteTime:O}) vs {y.FullName} ({y.CompressedLength} B, {y.LastWriteTime:O})");
            if (x.FullName.EndsWith(".nuspec", StringComparison.Ordinal) || x.FullName.EndsWith(".xml", StringComparison.Ordinal) || x.FullName.EndsWith(".rels", StringComparison.Ordinal) || x.FullName.EndsWith(".psmdcp", StringComparison.Ordinal))
                lines.Add($"--- direct\n{System.Text.Encoding.UTF8.GetString(left)}\n--- builder\n{System.Text.Encoding.UTF8.GetString(right)}");
        }
        return string.Join("\n", lines);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
