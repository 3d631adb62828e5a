using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Packages;
using FunctionPackage.Installing.Sources.NuGetFeeds;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;
using NuGet.Versioning;

namespace FunctionPackage.Cli.Tests;

public sealed class UnitTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("10.0.12", "10.0.0", null, true)]
    [InlineData("10.2.0", "10.1.5", "Minor", true)]
    [InlineData("10.0.3", "10.0.5", null, false)]
    [InlineData("11.0.0", "10.0.0", null, false)]
    [InlineData("11.0.0", "10.0.0", "Major", true)]
    [InlineData("10.1.0", "10.0.0", "LatestPatch", false)]
    [InlineData("10.0.7", "10.0.0", "LatestPatch", true)]
    [InlineData("10.0.7", "10.0.0", "Disable", false)]
    [InlineData("10.0.0-preview.1", "10.0.0", null, false)]
    public void Roll_forward_follows_the_runtime_rules(string installed, string required, string? rollForward, bool expected)
        => Assert.Equal(expected, RuntimeFrameworkChecker.Satisfies(NuGetVersion.Parse(installed), NuGetVersion.Parse(required), rollForward));

    [Fact]
    public void Runtime_check_finds_the_running_framework_and_names_what_is_missing()
    {
        var checker = new RuntimeFrameworkChecker();
        var chosen = checker.Check(new RuntimeDefinition { Frameworks = { new() { Name = "Microsoft.NETCore.App", Version = "10.0.0" } } });
        Assert.StartsWith("10.", chosen["Microsoft.NETCore.App"]);

        var ex = Assert.Throws<FunctionPackageException>(() => checker.Check(new RuntimeDefinition { Frameworks = { new() { Name = "Microsoft.Nope.App", Version = "1.0.0" } } }));
        Assert.Equal(DiagnosticCodes.FrameworkNotRunnableByHost, ex.Code);
        Assert.Equal(ExitCodes.RuntimeMissing, ExitCodeTable.For(ex.Code));
    }

    [Theory]
    [InlineData("Hello.Function@1.2.3", "Hello.Function", "1.2.3")]
    [InlineData("My_Odd-Id.2@2.0.0-beta.1", "My_Odd-Id.2", "2.0.0-beta.1")]
    public void Id_at_version_parses(string text, string id, string version)
    {
        var argument = PackageArgument.Parse(text, _temp.Path);
        Assert.False(argument.IsFile);
        Assert.Equal(id, argument.Id);
        Assert.Equal(NuGetVersion.Parse(version), argument.Version);
    }

    // The one package id rule (FunctionPackageFormat, compiled at build time) against NuGet's own PackageIdValidator.
    [Theory]
    [InlineData("Hello.Function")]
    [InlineData("a")]
    [InlineData("A_b-c.D9")]
    [InlineData("__init__")]
    [InlineData("Ünïcode.Ids")]
    [InlineData("日本語.パッケージ")]
    [InlineData("1.2.3")]
    [InlineData("a..b")]
    [InlineData("a.-b")]
    [InlineData(".a")]
    [InlineData("a-")]
    [InlineData("-a")]
    [InlineData("a b")]
    [InlineData("a+b")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a@b")]
    [InlineData("")]
    [InlineData("a\n")]
    [InlineData("a\r")]
    public void The_package_id_rule_is_NuGets(string id)
    {
        // NuGet's regex lets a trailing newline through ($); the id becomes a folder name, so ours does not.
        var nuget = NuGet.Packaging.PackageIdValidator.IsValidPackageId(id) && !id.Contains('\n');
        Assert.Equal(nuget, FunctionPackageFormat.IsValidPackageId(id));
        Assert.Equal(NuGet.Packaging.PackageIdValidator.IsValidPackageId(new string('a', 100)), FunctionPackageFormat.IsValidPackageId(new string('a', 100)));
        Assert.False(FunctionPackageFormat.IsValidPackageId(new string('a', 101)));
    }

    [Theory]
    [InlineData("Hello.Function")]
    [InlineData("Hello.Function@latest")]
    [InlineData("@1.0.0")]
    // Ids NuGet rejects (PackageIdValidator): '@', spaces, path characters, a leading dot, over 100 characters.
    [InlineData("My@Odd.Id@1.0.0")]
    [InlineData("Bad Id@1.0.0")]
    [InlineData("../evil@1.0.0")]
    [InlineData("a/b@1.0.0")]
    [InlineData(".Hidden@1.0.0")]
    [InlineData("Trailing.@1.0.0")]
    // Versions that are not one exact NuGet version.
    [InlineData("Hello.Function@[1.0.0]")]
    [InlineData("Hello.Function@1.0.0 ")]
    [InlineData("Hello.Function@1.0.0.0.0")]
    [InlineData("Hello.Function@")]
    public void Anything_else_is_a_usage_error(string text)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => PackageArgument.Parse(text, _temp.Path));
        Assert.Equal(DiagnosticCodes.InvalidPackageReference, ex.Code);
        Assert.Equal(ExitCodes.Usage, ExitCodeTable.For(ex.Code));
    }

    [Fact]
    public void An_id_longer_than_NuGet_allows_is_a_usage_error()
    {
        var ex = Assert.Throws<FunctionPackageException>(() => PackageArgument.Parse(new string('a', 101) + "@1.0.0", _temp.Path));
        Assert.Equal(DiagnosticCodes.InvalidPackageReference, ex.Code);
        Assert.Contains("package id", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("My@Odd.Id@1.0.0", "package id")]
    [InlineData("Hello.Function@1.0", null)] // valid: NuGet normalizes 1.0 to 1.0.0
    [InlineData("Hello.Function@v1", "version")]
    public async Task An_invalid_id_or_version_fails_before_any_feed_or_disk_access(string text, string? problem)
    {
        using var feed = FunctionPackage.Testing.StaticNuGetFeed.Start();
        var root = _temp.Combine("root");
        var output = new StringWriter();

        var exitCode = await FunctionPackage.Cli.Commands.CliApplication.RunAsync(new[] { "install", text, "--root", root, "--source", feed.IndexUrl }, output);

        if (problem is null)
        {
            Assert.Equal(ExitCodes.NotFound, exitCode); // parsed, asked the (empty) feed
            Assert.NotEmpty(feed.Requests);
            return;
        }
        Assert.Equal(ExitCodes.Usage, exitCode);
        var ex = Assert.Throws<FunctionPackageException>(() => PackageArgument.Parse(text, _temp.Path));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Empty(feed.Requests);
        Assert.False(Directory.Exists(root), "nothing may be written before the argument is valid");
    }

    [Theory]
    [InlineData("function/Hello.dll", true)]
    [InlineData("function/fr/Hello.resources.dll", true)]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    [InlineData("a/./x", false)]
    [InlineData("/abs", false)]
    [InlineData("a\\b", false)]
    [InlineData("C:x", false)]
    [InlineData("a//b", false)]
    [InlineData("", false)]
    public void Safe_relative_paths(string path, bool safe) => Assert.Equal(safe, PackagePaths.IsSafeRelativePath(path));

    [Fact]
    public void Sources_come_from_options_then_NuGet_config_then_the_manifest_hint()
    {
        var resolver = new PackageSourceResolver();
        var project = _temp.Folder("project");
        var hint = new[] { "https://example.invalid/v3/index.json" };

        var explicitSources = resolver.Resolve(new[] { "feed" }, project, hint);
        Assert.Equal("--source", explicitSources.Origin);
        Assert.Equal(Path.Combine(project, "feed"), Assert.Single(explicitSources.Sources).Source);

        File.WriteAllText(Path.Combine(project, "NuGet.config"),
            "<configuration><packageSources><clear /><add key=\"local\" value=\"/srv/feed\" /></packageSources></configuration>");
        var fromConfig = resolver.Resolve(Array.Empty<string>(), project, hint);
        Assert.Equal("/srv/feed", Assert.Single(fromConfig.Sources).Source);

        File.WriteAllText(Path.Combine(project, "NuGet.config"), "<configuration><packageSources><clear /></packageSources></configuration>");
        var fromHint = resolver.Resolve(Array.Empty<string>(), project, hint);
        Assert.Equal(hint[0], Assert.Single(fromHint.Sources).Source);
        Assert.Equal("the manifest's sources hint", fromHint.Origin);
    }

    [Fact]
    public async Task Install_without_options_uses_the_NuGet_config_of_the_working_directory()
    {
        var feed = _temp.Folder("feed");
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(feed, "Dep.A", "1.0.0"));
        var package = builder.Build(_temp.Folder("out"));
        File.WriteAllText(_temp.Combine("NuGet.config"),
            $"<configuration><packageSources><clear /><add key=\"local\" value=\"{feed}\" /></packageSources></configuration>");

        var result = await FunctionInstaller.CreateDefault().InstallAsync(new InstallRequest { Package = package, Root = "root", WorkingDirectory = _temp.Path });

        Assert.Equal(1, result.PackagesAdded);
        Assert.True(File.Exists(_temp.Combine("root", "packages", "dep.a", "1.0.0", "lib", "net8.0", "Dep.A.dll")));
    }

    [Fact]
    public void Host_launcher_builds_a_dotnet_exec_command_line_with_an_absolute_probing_path()
    {
        var hostDll = _temp.Combine("host", HostLauncher.HostAssemblyName);
        Directory.CreateDirectory(Path.GetDirectoryName(hostDll)!);
        File.WriteAllText(hostDll, "");
        var launcher = new HostLauncher(hostDll, "/opt/dotnet");

        var invoke = launcher.CreateInvoke("/r/functions/hello.function/1.0.0", "/r/packages", "{\"name\":\"x\"}");
        Assert.Equal("/opt/dotnet/dotnet", invoke.FileName);
        Assert.Equal(new[] { "exec", "--additionalprobingpath", "/r/packages", hostDll, "invoke", "--function", "/r/functions/hello.function/1.0.0", "--data", "{\"name\":\"x\"}" },
            invoke.ArgumentList);

        var serve = launcher.CreateServe("/r/functions/hello.function/1.0.0", "/r/packages", "http://127.0.0.1:5000");
        Assert.Equal(new[] { "exec", "--additionalprobingpath", "/r/packages", hostDll, "serve", "--function", "/r/functions/hello.function/1.0.0", "--urls", "http://127.0.0.1:5000" },
            serve.ArgumentList);
    }

    [Fact]
    public void Host_launcher_reports_a_missing_host()
    {
        var launcher = new HostLauncher(_temp.Combine("nope", HostLauncher.HostAssemblyName), "/opt/dotnet");
        var ex = Assert.Throws<FunctionPackageException>(() => launcher.CreateInvoke("/f", "/p", null));
        Assert.Equal(CliDiagnosticCodes.HostNotFound, ex.Code);
    }

    [Fact]
    public void Built_cli_has_the_host_beside_it()
    {
        // The CLI project copies the host's build output into host/ next to fnpkg.dll; the test bin only has fnpkg.dll,
        // so look in the CLI's own output folder.
        var cliOutput = Path.GetDirectoryName(typeof(HostLauncher).Assembly.Location)!;
        var repoCliBin = Path.GetFullPath(Path.Combine(cliOutput, "..", "..", "..", "..", "..", "src", "FunctionPackage.Cli", "bin",
            new DirectoryInfo(cliOutput).Parent!.Name, "net10.0"));
        Assert.True(File.Exists(Path.Combine(repoCliBin, "host", HostLauncher.HostAssemblyName)), repoCliBin);
        Assert.True(File.Exists(Path.Combine(repoCliBin, "host", "FunctionPackage.Host.runtimeconfig.json")));
    }
}
