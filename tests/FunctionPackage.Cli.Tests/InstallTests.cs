using System.Text;
using System.Text.Json;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;
using FunctionPackage.Testing;

namespace FunctionPackage.Cli.Tests;

public sealed class InstallTests : InstallTestBase
{
    private string FunctionDirectory => Path.Combine(Root, "functions", "hello.function", "1.0.0");

    private static async Task<FunctionPackageException> AssertInstallFails(Task install, string code)
    {
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => install);
        Assert.Equal(code, ex.Code);
        return ex;
    }

    private void AssertInstalledLayout(FunctionPackageBuilder builder)
    {
        Assert.Equal(builder.FunctionFiles["Hello.Function.dll"], File.ReadAllBytes(Path.Combine(FunctionDirectory, "function", "Hello.Function.dll")));
        Assert.Equal(builder.FunctionFiles["data/greeting.txt"], File.ReadAllBytes(Path.Combine(FunctionDirectory, "function", "data", "greeting.txt")));
        Assert.True(File.Exists(Path.Combine(FunctionDirectory, "function.json")));
        Assert.False(Directory.Exists(Path.Combine(FunctionDirectory, "packages")), "embedded nupkgs belong in the shared packages folder only");
        foreach (var dependency in builder.Dependencies)
        {
            var folder = Path.Combine(Root, "packages", dependency.Id.ToLowerInvariant(), dependency.Version);
            foreach (var asset in dependency.Assets) Assert.True(File.Exists(Path.Combine(folder, asset.PathInPackage)), asset.PathInPackage);
            Assert.True(File.Exists(Path.Combine(folder, dependency.Id.ToLowerInvariant() + ".nuspec")));
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ".nupkg.metadata")));
            Assert.Equal(dependency.ContentHash, metadata.RootElement.GetProperty("contentHash").GetString());
        }
        var receipt = InstallReceipt.TryRead(FunctionDirectory)!;
        Assert.Equal("Hello.Function", receipt.Id);
        Assert.Equal(Path.Combine(Root, "packages"), receipt.PackagesFolder);
        Assert.Equal(builder.Dependencies.Select(d => d.ContentHash), receipt.Dependencies.Select(d => d.Sha512));
        Assert.Equal(ContentHash.Sha512(File.ReadAllBytes(Path.Combine(FunctionDirectory, "function.json"))), receipt.ManifestSha512);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root, ".staging")));
    }

    [Fact]
    public async Task Reference_mode_installs_from_a_folder_feed()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));

        var result = await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));

        Assert.False(result.AlreadyInstalled);
        Assert.Equal(2, result.PackagesAdded);
        Assert.Equal(FunctionDirectory, result.FunctionDirectory);
        AssertInstalledLayout(builder);
        // Extraction happens in the install's staging folder: packages/<id>/ only ever gains complete version folders.
        foreach (var dependency in builder.Dependencies)
        {
            var idFolder = Path.Combine(Root, "packages", dependency.Id.ToLowerInvariant());
            Assert.Equal(new[] { dependency.Version.ToLowerInvariant() }, Directory.GetFileSystemEntries(idFolder).Select(Path.GetFileName));
        }
    }

    [Fact]
    public async Task Embed_mode_installs_with_no_source_at_all()
    {
        var builder = Function(FunctionPackageFormat.EmbedMode);
        var package = builder.Build(Temp.Folder("out"));
        Directory.Delete(Feed, recursive: true); // prove nothing is fetched

        var result = await FunctionInstaller.CreateDefault().InstallAsync(Request(package));

        Assert.Equal(2, result.PackagesAdded);
        AssertInstalledLayout(builder);
    }

    [Fact]
    public async Task Installs_id_at_version_from_an_http_v3_feed_and_reinstall_is_a_no_op()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        using var feed = StaticNuGetFeed.Start(package, builder.Dependencies[0].NupkgPath, builder.Dependencies[1].NupkgPath);

        var first = await FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0", feed.IndexUrl));
        Assert.False(first.AlreadyInstalled);
        AssertInstalledLayout(builder);
        Assert.Contains("/flat/dep.b/2.1.0/dep.b.2.1.0.nupkg", feed.Requests);

        var requestsBefore = feed.Requests.Count;
        var second = await FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0", feed.IndexUrl));
        Assert.True(second.AlreadyInstalled);
        Assert.Equal(0, second.PackagesAdded);
        Assert.Equal(requestsBefore, feed.Requests.Count); // no network at all for a complete install
    }

    [Fact]
    public async Task Reinstall_from_file_is_a_no_op_but_different_content_under_the_same_version_is_a_conflict()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));
        var receiptBytes = File.ReadAllBytes(Path.Combine(FunctionDirectory, "install.json"));

        var again = await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));
        Assert.True(again.AlreadyInstalled);
        Assert.Equal(receiptBytes, File.ReadAllBytes(Path.Combine(FunctionDirectory, "install.json")));

        builder.FunctionFiles["data/greeting.txt"] = Encoding.UTF8.GetBytes("changed");
        var changed = builder.Build(Temp.Folder("out2"));
        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(changed, Feed)), DiagnosticCodes.InstallConflict);
        Assert.Equal(Encoding.UTF8.GetBytes("hello"), File.ReadAllBytes(Path.Combine(FunctionDirectory, "function", "data", "greeting.txt")));
    }

    [Fact]
    public async Task Two_concurrent_installs_into_one_root_both_succeed()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));

        var results = await Task.WhenAll(
            Task.Run(() => FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed))),
            Task.Run(() => FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed))));

        Assert.All(results, r => Assert.Equal(FunctionDirectory, r.FunctionDirectory));
        Assert.Single(Directory.GetDirectories(Path.Combine(Root, "functions", "hello.function")));
        AssertInstalledLayout(builder);
    }

    [Fact]
    public async Task Install_canceled_mid_download_leaves_nothing_and_the_next_install_succeeds()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        using var feed = StaticNuGetFeed.Start(builder.Dependencies[0].NupkgPath, builder.Dependencies[1].NupkgPath);
        using var cancel = new CancellationTokenSource();
        feed.BeforeNupkgAsync = async _ =>
        {
            cancel.Cancel();
            await Task.Delay(500);
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FunctionInstaller.CreateDefault().InstallAsync(Request(package, feed.IndexUrl), cancel.Token));
        AssertNothingInstalled();
        Assert.False(File.Exists(Path.Combine(Root, "packages", "dep.a", "1.0.0", ".nupkg.metadata")));

        feed.BeforeNupkgAsync = null;
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, feed.IndexUrl));
        AssertInstalledLayout(builder);
    }

    [Fact]
    public async Task Leftovers_of_a_killed_install_are_ignored_and_cleaned_up()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        // What a killed install leaves: a staging folder (half-extracted) and its lock file, no longer held.
        var staging = Path.Combine(Root, ".staging");
        Directory.CreateDirectory(Path.Combine(staging, "killed", "function-root", "function"));
        File.WriteAllText(Path.Combine(staging, "killed", "function-root", "function", "Hello.Function.dll"), "half");
        File.WriteAllText(Path.Combine(staging, "killed.lock"), "");
        // ...and a half-extracted package folder without .nupkg.metadata.
        Directory.CreateDirectory(Path.Combine(Root, "packages", "dep.a", "1.0.0", "lib"));

        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));

        AssertInstalledLayout(builder);
        Assert.False(Directory.Exists(Path.Combine(staging, "killed")));
        Assert.False(File.Exists(Path.Combine(staging, "killed.lock")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_op_install_removes_abandoned_staging_but_not_that_of_a_running_install(bool byIdAndVersion)
    {
        var builder = Function();
        var package = builder.Build(Feed); // in the folder feed too, for id@version
        await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));
        var staging = Path.Combine(Root, ".staging");
        // A killed install's leftovers: its folder (say, gigabytes of half-extracted packages) and a lock no one holds.
        Directory.CreateDirectory(Path.Combine(staging, "killed", "downloads"));
        File.WriteAllBytes(Path.Combine(staging, "killed", "downloads", "dep.a.1.0.0.nupkg"), new byte[64 * 1024]);
        File.WriteAllText(Path.Combine(staging, "killed.lock"), "");
        // A running install's staging folder: its lock is held.
        using var running = StagingArea.Create(staging);
        File.WriteAllText(Path.Combine(running.Directory, "in-progress"), "");

        var result = await FunctionInstaller.CreateDefault().InstallAsync(Request(byIdAndVersion ? "Hello.Function@1.0.0" : package, Feed));

        Assert.True(result.AlreadyInstalled);
        Assert.False(Directory.Exists(Path.Combine(staging, "killed")), "the abandoned staging folder should be gone");
        Assert.False(File.Exists(Path.Combine(staging, "killed.lock")));
        Assert.True(File.Exists(Path.Combine(running.Directory, "in-progress")), "a running install's staging folder must stay");
        Assert.True(File.Exists(running.Directory + ".lock"));
    }

    [Fact]
    public async Task Dependency_missing_from_every_source_is_not_found_and_installs_nothing()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        File.Delete(builder.Dependencies[1].NupkgPath);

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.DependencyNotFound);
        Assert.Equal(ExitCodes.NotFound, ExitCodeTable.For(ex.Code));
        Assert.Contains("Dep.B 2.1.0", ex.Message);
        AssertNothingInstalled();
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/index.json")]
    [InlineData("folder-that-does-not-exist")]
    public async Task Unreachable_source_is_a_coded_error(string source)
    {
        var package = Function().Build(Temp.Folder("out"));

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, source)), DiagnosticCodes.SourceUnreachable);
        Assert.Equal(ExitCodes.NotFound, ExitCodeTable.For(ex.Code));
        AssertNothingInstalled();
    }

    [Fact]
    public async Task Dependency_with_a_different_content_hash_in_the_feed_is_rejected()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        DependencyPackageBuilder.Build(Feed, "Dep.B", "2.1.0", salt: "republished"); // same id and version, other bytes

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.DependencyHashMismatch);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
        Assert.Contains(Feed, ex.Message);
        AssertNothingInstalled();
        Assert.False(Directory.Exists(Path.Combine(Root, "packages", "dep.b", "2.1.0")));
    }

    [Fact]
    public async Task Tampered_function_package_writes_nothing()
    {
        var package = Function().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.ReplaceEntry(zip, "function/Hello.Function.dll", new byte[] { 1, 2, 3 }));

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.FileHashMismatch);
        Assert.False(Directory.Exists(Root)); // verified before anything was written
    }

    [Fact]
    public async Task Zip_slip_in_the_function_package_writes_nothing()
    {
        var package = Function().Build(Temp.Folder("out"));
        FunctionPackageBuilder.EditZip(package, zip => FunctionPackageBuilder.AddEntry(zip, "function/../../../evil.txt", new byte[] { 1 }));

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.UnsafeEntryPath);
        Assert.False(Directory.Exists(Root));
        Assert.False(File.Exists(Temp.Combine("evil.txt")));
    }

    [Fact]
    public async Task Zip_slip_in_a_dependency_package_is_refused()
    {
        var builder = new FunctionPackageBuilder();
        var evil = DependencyPackageBuilder.Build(Feed, "Dep.Evil", "1.0.0");
        FunctionPackageBuilder.EditZip(evil.NupkgPath, zip => FunctionPackageBuilder.AddEntry(zip, "lib/../../../../evil.txt", new byte[] { 1 }));
        builder.Dependencies.Add(evil with { ContentHash = DependencyPackageBuilder.ContentHashOf(evil.NupkgPath) });
        var package = builder.Build(Temp.Folder("out"));

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.UnsafeEntryPath);
        AssertNothingInstalled();
        Assert.False(Directory.Exists(Path.Combine(Root, "packages", "dep.evil", "1.0.0")));
        Assert.Empty(Directory.GetFiles(Temp.Path, "evil.txt", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(2, "dotnet", DiagnosticCodes.UnsupportedSchemaVersion)]
    [InlineData(1, "java", DiagnosticCodes.UnsupportedProfile)]
    public async Task Unknown_schema_or_profile_writes_nothing(int schemaVersion, string profile, string code)
    {
        var builder = Function();
        builder.EditManifest = m => { m.SchemaVersion = schemaVersion; m.Profile = profile; };
        var package = builder.Build(Temp.Folder("out"));

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), code);
        Assert.Equal(ExitCodes.VerificationFailed, ExitCodeTable.For(ex.Code));
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Package_published_for_another_rid_is_FPKG5111_exit_4_and_writes_nothing()
    {
        var builder = Function();
        var otherRid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier.StartsWith("win", StringComparison.Ordinal) ? "linux-x64" : "win-x64";
        builder.Rid = otherRid;
        var package = builder.Build(Temp.Folder("out"));

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.RuntimeIdentifierMismatch);
        Assert.Equal(ExitCodes.RuntimeMissing, ExitCodeTable.For(ex.Code));
        Assert.Contains(otherRid, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Package_published_for_this_rid_installs()
    {
        var builder = Function();
        builder.Rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        var package = builder.Build(Temp.Folder("out"));

        var result = await FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed));

        Assert.Equal(FunctionDirectory, result.FunctionDirectory);
    }

    [Fact]
    public async Task Missing_runtime_framework_is_exit_code_4_and_writes_nothing()
    {
        var builder = Function();
        builder.Frameworks.Clear();
        builder.Frameworks.Add(new FrameworkDefinition { Name = "Microsoft.NETCore.App", Version = "99.0.0" });
        var package = builder.Build(Temp.Folder("out"));

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.FrameworkNotRunnableByHost);
        Assert.Equal(ExitCodes.RuntimeMissing, ExitCodeTable.For(ex.Code));
        Assert.False(Directory.Exists(Root));

        var exitCode = await CliApplication.RunAsync(new[] { "install", package, "--root", Root, "--source", Feed }, new StringWriter());
        Assert.Equal(ExitCodes.RuntimeMissing, exitCode);
    }

    [Fact]
    public async Task Materialize_writes_the_publish_layout()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        var publish = Temp.Combine("publish");

        var output = new StringWriter();
        var exitCode = await CliApplication.RunAsync(new[] { "install", package, "--root", Root, "--source", Feed, "--materialize", publish }, output);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(FunctionDirectory, output.ToString().Trim());

        var expected = builder.FunctionFiles.ToDictionary(f => f.Key, f => f.Value);
        foreach (var dependency in builder.Dependencies)
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(dependency.NupkgPath);
            foreach (var asset in dependency.Assets)
            {
                using var stream = zip.GetEntry(asset.PathInPackage)!.Open();
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                expected[asset.Destination] = bytes.ToArray();
            }
        }
        var actual = Directory.GetFiles(publish, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(publish, f).Replace('\\', '/'), File.ReadAllBytes);
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (path, bytes) in expected) Assert.Equal(bytes, actual[path]);
        Assert.Contains("runtimes/linux-x64/native/libdep.a.so", actual.Keys);
        Assert.Contains("fr/Dep.B.resources.dll", actual.Keys);

        // A non-empty target is refused rather than merged into.
        var again = await CliApplication.RunAsync(new[] { "install", package, "--root", Root, "--source", Feed, "--materialize", publish }, new StringWriter());
        Assert.Equal(ExitCodes.Conflict, again);
    }

    [Fact]
    public async Task Function_package_not_in_the_feed_is_exit_code_3()
    {
        using var feed = StaticNuGetFeed.Start();
        var exitCode = await CliApplication.RunAsync(new[] { "install", "Hello.Function@1.0.0", "--root", Root, "--source", feed.IndexUrl }, new StringWriter());
        Assert.Equal(ExitCodes.NotFound, exitCode);
        Assert.False(Directory.Exists(Path.Combine(Root, "functions")));
    }

    [Fact]
    public async Task Packages_folder_entry_with_another_content_hash_is_a_conflict()
    {
        var builder = Function();
        var package = builder.Build(Temp.Folder("out"));
        var folder = Path.Combine(Root, "packages", "dep.a", "1.0.0");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ".nupkg.metadata"), "{\"version\":2,\"contentHash\":\"bm90IGl0\",\"source\":\"x\"}");

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(package, Feed)), DiagnosticCodes.PackagesFolderConflict);
        Assert.Equal(ExitCodes.Conflict, ExitCodeTable.For(ex.Code));
        AssertNothingInstalled();
    }
}
