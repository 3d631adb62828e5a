using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;
using Xunit.Abstractions;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// Issue 11 "done means": many malformed packages built from a valid one (entry names, manifest members, identities,
/// nuspec, sizes, counts, duplicates, corrupt and lying zips), each run through <c>fnpkg verify</c>, <c>inspect</c>
/// and <c>install --materialize</c> in-process. Each must be a coded refusal or a correct install: never exit 70,
/// never a file outside the install root. Seeded, so a failure names a variant that can be replayed.
/// In the environment collection: it lowers the limits through FNPKG_MAX_* and captures stderr.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class PackageFuzzTests : IDisposable
{
    private const int Seed = 11_2026;
    private const int Variants = 200;
    private static readonly Regex Code = new(@"FPKG\d{4}", RegexOptions.Compiled);

    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _log;
    private readonly string _sandbox;
    private readonly string _feed;
    private readonly string _variants;
    private readonly string _marker = Path.Combine(Path.GetTempPath(), "fnpkg-fuzz-pwned-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string?> _savedEnvironment = new();

    public PackageFuzzTests(ITestOutputHelper log)
    {
        _log = log;
        _sandbox = _temp.Folder("sandbox");
        _feed = _temp.Folder("sandbox/feed");
        _variants = _temp.Folder("sandbox/variants");
    }

    public void Dispose()
    {
        foreach (var (name, value) in _savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        if (Directory.Exists(_marker)) Directory.Delete(_marker, recursive: true);
        _temp.Dispose();
    }

    private void SetEnvironment(string name, string value)
    {
        _savedEnvironment.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    [Fact]
    public async Task Malformed_variants_of_a_valid_package_are_refused_with_a_code_or_install_correctly()
    {
        // Small limits keep the size and count mutations a few KB; the valid packages are far below them.
        SetEnvironment(PackageLimits.EntryVariable, "262144");
        SetEnvironment(PackageLimits.TotalVariable, "1048576");
        SetEnvironment(PackageLimits.EntriesVariable, "64");
        SetEnvironment(PackageLimits.ManifestVariable, "65536");

        var bases = new[] { FunctionPackageFormat.ReferenceMode, FunctionPackageFormat.EmbedMode }.Select(mode =>
        {
            var builder = new FunctionPackageBuilder { DependencyMode = mode };
            builder.Dependencies.Add(DependencyPackageBuilder.Build(_feed, "Dep.A", "1.0.0"));
            builder.Dependencies.Add(DependencyPackageBuilder.Build(_feed, "Dep.B", "2.1.0"));
            return builder.Build(_temp.Folder("base-" + mode));
        }).ToArray();

        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < Variants; i++)
        {
            var variant = Path.Combine(_variants, $"v{i}.nupkg");
            File.Copy(bases[i % 2], variant);
            var mutation = Mutations[random.Next(Mutations.Length)];
            var what = $"variant {i} (seed {Seed}, {Path.GetFileName(bases[i % 2])}): {mutation.Method.Name} {mutation(this, variant, random)}";

            var (verifyExit, verifyErrors) = await RunCli("verify", variant);
            var (inspectExit, inspectErrors) = await RunCli("inspect", variant, "--json");
            var root = Path.Combine(_sandbox, $"r{i}", "a", "b", "root");
            var publish = Path.Combine(_sandbox, $"r{i}", "publish");
            var (installExit, installErrors, installOutput) = await CliCapture.RunAsync("install", variant, "--root", root, "--source", _feed, "--materialize", publish);
            var log = $"{what}\nverify: {verifyExit}\n{verifyErrors}\ninspect: {inspectExit}\n{inspectErrors}\ninstall: {installExit}\n{installErrors}";

            Assert.True(verifyExit is ExitCodes.Success or ExitCodes.VerificationFailed, log);
            Assert.True(installExit is ExitCodes.Success or ExitCodes.VerificationFailed or ExitCodes.NotFound or ExitCodes.RuntimeMissing or ExitCodes.Conflict, log);
            // inspect checks less than verify (no hashes), so it may show a package verify refuses; it never crashes.
            Assert.True(inspectExit is ExitCodes.Success or ExitCodes.VerificationFailed, log);
            if (verifyExit != ExitCodes.Success) Assert.True(Code.IsMatch(verifyErrors), log);
            if (inspectExit != ExitCodes.Success) Assert.True(Code.IsMatch(inspectErrors), log);
            if (installExit != ExitCodes.Success) Assert.True(Code.IsMatch(installErrors), log);
            Assert.True(verifyExit == ExitCodes.Success || installExit != ExitCodes.Success, "install accepted what verify refused\n" + log);
            if (installExit == ExitCodes.Success) AssertCorrectInstall(variant, root, installOutput.Trim(), log);
            else Assert.False(Directory.Exists(Path.Combine(root, "functions")) && Directory.EnumerateFileSystemEntries(Path.Combine(root, "functions")).Any(), log);
            AssertNothingOutsideTheRoots(log);

            var key = installExit == 0 ? "installed" : Code.Match(installErrors).Value;
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        _log.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}")));
        Assert.True(outcomes.Count > 8, "the mutations should reach many different checks");
    }

    private void AssertNothingOutsideTheRoots(string log)
    {
        var allowed = Directory.GetDirectories(_sandbox, "r*").SelectMany(r => new[] { Path.Combine(r, "a", "b", "root"), Path.Combine(r, "publish") })
            .Append(_feed).Append(_variants).ToArray();
        Assert.True(PackageEdits.FilesOutside(_sandbox, allowed).Count == 0, string.Join("\n", PackageEdits.FilesOutside(_sandbox, allowed)) + "\n" + log);
        Assert.False(Directory.Exists(_marker), log);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName), n => n is not ("sandbox" or "base-reference" or "base-embed"));
    }

    /// <summary>A successful install holds exactly the package's function.json and every listed function file, by hash.</summary>
    private static void AssertCorrectInstall(string package, string root, string functionDirectory, string log)
    {
        Assert.StartsWith(Path.Combine(root, "functions") + Path.DirectorySeparatorChar, functionDirectory);
        using var zip = ZipFile.OpenRead(package);
        var manifestBytes = ReadEntry(zip, FunctionPackageFormat.ManifestFileName);
        Assert.True(manifestBytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(functionDirectory, FunctionPackageFormat.ManifestFileName))), log);
        var manifest = FunctionManifestSerializer.Deserialize(manifestBytes);
        foreach (var file in manifest.Files.Where(f => f.Path.StartsWith(FunctionPackageFormat.FunctionFolder, StringComparison.Ordinal)))
        {
            Assert.True(ContentHash.Sha512File(Path.Combine(functionDirectory, file.Path)) == file.Sha512, $"{file.Path}\n{log}");
        }
        Assert.True(File.Exists(Path.Combine(functionDirectory, "install.json")), log);
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static async Task<(int ExitCode, string Errors)> RunCli(params string[] args)
    {
        var (exitCode, errors, _) = await CliCapture.RunAsync(args);
        return (exitCode, errors);
    }

    // ---- mutations: each edits the .nupkg in place and says what it did ----

    private delegate string Mutation(PackageFuzzTests test, string nupkg, Random random);

    private static readonly Mutation[] Mutations =
    {
        RenameEntry, RenameEntry, DuplicateEntry, AddEntry, RemoveMember, NullMember, RetypeMember, RetypeMember, HostileString, HostileString,
        HostileId, EditNuspec, AddLargeEntry, AddManyEntries, FlipBytes, Truncate, LieAboutSize,
    };

    private string[] HostileNames() => new[]
    {
        "../../../fuzz-pwned", _marker, _marker + "/x", "..", ".", "a/b", "a\\b", "", " ", "x.", "C:", "%2e%2e", "\u0001",
        new string('n', 300), "1.0.0/../..", "Dep.A", "dep.a", "function/../../x", "~", "x\ny",
    };

    private static readonly string[] HostileEntryNames =
    {
        "../fuzz-pwned", "function/../../../fuzz-pwned", "/fuzz-abs", "function\\..\\x", "function/%2e%2e/%2e%2e/x", "C:/x",
        "function/" + new string('n', 300), "function/a\u0001b", "FUNCTION/DATA/GREETING.TXT", "function/data/greeting.txt/inner",
        "function//x", "function/./x", "function/x.", "function/x ", "function/data", "function.json", "FUNCTION.JSON",
        "packages/dep.a.1.0.0.nupkg", "function/" + string.Join('/', Enumerable.Repeat("d", 600)), "extra.txt", "function/%41.txt",
    };

    private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

    private static List<string> EntryNames(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static string RenameEntry(PackageFuzzTests test, string nupkg, Random random)
    {
        var from = Pick(EntryNames(nupkg), random);
        var to = Pick(HostileEntryNames, random);
        FunctionPackageBuilder.EditZip(nupkg, zip =>
        {
            var bytes = ReadEntry(zip, from);
            zip.GetEntry(from)!.Delete();
            FunctionPackageBuilder.AddEntry(zip, to, bytes);
        });
        return $"'{from}' -> '{Printable(to)}'";
    }

    private static string DuplicateEntry(PackageFuzzTests test, string nupkg, Random random)
    {
        var name = Pick(EntryNames(nupkg), random);
        var copy = random.Next(2) == 0 ? name : name.ToUpperInvariant();
        FunctionPackageBuilder.EditZip(nupkg, zip => FunctionPackageBuilder.AddEntry(zip, copy, ReadEntry(zip, name)));
        return $"'{name}' as '{copy}'";
    }

    private static string AddEntry(PackageFuzzTests test, string nupkg, Random random)
    {
        var name = Pick(HostileEntryNames, random);
        FunctionPackageBuilder.EditZip(nupkg, zip => FunctionPackageBuilder.AddEntry(zip, name, new byte[] { 1, 2, 3 }));
        return $"'{Printable(name)}'";
    }

    /// <summary>Every (container, key or index) in the manifest tree, in document order.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Nodes(JsonNode node)
    {
        var nodes = new List<(JsonNode, string?, int)>();
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj.ToList())
            {
                nodes.Add((obj, key, -1));
                if (child is not null) nodes.AddRange(Nodes(child));
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                nodes.Add((array, null, i));
                if (array[i] is { } child) nodes.AddRange(Nodes(child));
            }
        }
        return nodes;
    }

    private static string PathOf((JsonNode Parent, string? Key, int Index) node)
        => node.Parent.GetPath() + (node.Key is not null ? "." + node.Key : $"[{node.Index}]");

    private static void Set((JsonNode Parent, string? Key, int Index) node, JsonNode? value)
    {
        if (node.Key is not null) node.Parent.AsObject()[node.Key] = value;
        else node.Parent.AsArray()[node.Index] = value;
    }

    private static string EditManifestNode(string nupkg, Random random, Func<(JsonNode Parent, string? Key, int Index), string> edit)
    {
        var description = "";
        PackageEdits.EditManifestJson(nupkg, root => description = edit(Pick(Nodes(root), random)));
        return description;
    }

    private static string RemoveMember(PackageFuzzTests test, string nupkg, Random random) => EditManifestNode(nupkg, random, node =>
    {
        if (node.Key is not null) node.Parent.AsObject().Remove(node.Key);
        else node.Parent.AsArray().RemoveAt(node.Index);
        return PathOf(node);
    });

    private static string NullMember(PackageFuzzTests test, string nupkg, Random random) => EditManifestNode(nupkg, random, node =>
    {
        Set(node, null);
        return PathOf(node);
    });

    private static string RetypeMember(PackageFuzzTests test, string nupkg, Random random) => EditManifestNode(nupkg, random, node =>
    {
        var values = new Func<JsonNode?>[] { () => 0, () => -1, () => 1.5, () => "x", () => "", () => true, () => new JsonArray(), () => new JsonObject(), () => long.MaxValue };
        var value = Pick(values, random)();
        Set(node, value);
        return $"{PathOf(node)} = {value?.ToJsonString()}";
    });

    private static string HostileString(PackageFuzzTests test, string nupkg, Random random) => EditManifestNode(nupkg, random, node =>
    {
        var value = Pick(test.HostileNames(), random);
        Set(node, value);
        return $"{PathOf(node)} = '{Printable(value)}'";
    });

    private static string HostileId(PackageFuzzTests test, string nupkg, Random random)
    {
        var id = Pick(test.HostileNames(), random);
        PackageEdits.SetId(nupkg, id);
        return $"'{Printable(id)}'";
    }

    private static string EditNuspec(PackageFuzzTests test, string nupkg, Random random)
    {
        var edits = new (string Name, Func<string, string> Edit)[]
        {
            ("version", t => Regex.Replace(t, "<version>[^<]*</version>", "<version>../1.0.0</version>")),
            ("no version", t => Regex.Replace(t, "<version>[^<]*</version>", "")),
            ("no id", t => Regex.Replace(t, "<id>[^<]*</id>", "")),
            ("no package type", t => Regex.Replace(t, "<packageTypes>.*?</packageTypes>", "", RegexOptions.Singleline)),
            ("range", t => t.Replace("[1.0.0]", "(,", StringComparison.Ordinal)),
            ("dependency id", t => t.Replace("id=\"Dep.A\"", "id=\"../../x\"", StringComparison.Ordinal)),
            ("entity expansion", t => "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + t[t.IndexOf("<package", StringComparison.Ordinal)..].Replace("<description>", "<description>&b;", StringComparison.Ordinal)),
            ("not xml", _ => "<package"),
            ("empty", _ => ""),
        };
        var (name, edit) = Pick(edits, random);
        PackageEdits.EditNuspec(nupkg, edit);
        return name;
    }

    /// <summary>A listed (correctly hashed) file over the lowered per-file limit, or one that compresses like a bomb.</summary>
    private static string AddLargeEntry(PackageFuzzTests test, string nupkg, Random random)
    {
        var size = Pick(new[] { 300_000, 2_000_000 }, random);
        var bytes = new byte[size];
        var path = "function/data/large.bin";
        FunctionPackageBuilder.EditZip(nupkg, zip => FunctionPackageBuilder.AddEntry(zip, path, bytes));
        PackageEdits.EditManifestJson(nupkg, root => root["files"]!.AsArray().Add(new JsonObject { ["path"] = path, ["sha512"] = Convert.ToBase64String(SHA512.HashData(bytes)) }));
        return $"{size} zero bytes";
    }

    private static string AddManyEntries(PackageFuzzTests test, string nupkg, Random random)
    {
        var count = random.Next(40, 120);
        FunctionPackageBuilder.EditZip(nupkg, zip =>
        {
            for (var i = 0; i < count; i++) FunctionPackageBuilder.AddEntry(zip, $"function/many/{i}.txt", new[] { (byte)i });
        });
        return $"{count} entries";
    }

    private static string FlipBytes(PackageFuzzTests test, string nupkg, Random random)
    {
        var bytes = File.ReadAllBytes(nupkg);
        var flips = random.Next(1, 8);
        for (var i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
        File.WriteAllBytes(nupkg, bytes);
        return $"{flips} byte(s)";
    }

    private static string Truncate(PackageFuzzTests test, string nupkg, Random random)
    {
        var bytes = File.ReadAllBytes(nupkg);
        var length = random.Next(bytes.Length);
        File.WriteAllBytes(nupkg, bytes[..length]);
        return $"to {length} of {bytes.Length} bytes";
    }

    private static string LieAboutSize(PackageFuzzTests test, string nupkg, Random random)
    {
        var name = Pick(EntryNames(nupkg), random);
        var size = (uint)Pick(new[] { 0, 1, 5, 100_000, int.MaxValue }, random);
        ZipHeaders.SetDeclaredUncompressedSize(nupkg, name, size);
        return $"'{name}' declares {size} bytes";
    }

    private static string Printable(string text) => Regex.Replace(text.Length > 60 ? text[..60] + "…" : text, @"\p{C}", m => $"\\u{(int)m.Value[0]:x4}");
}
