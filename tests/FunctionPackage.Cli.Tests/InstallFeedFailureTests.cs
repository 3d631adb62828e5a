using System.Diagnostics;
using System.Net;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Testing;
using Xunit.Abstractions;

namespace FunctionPackage.Cli.Tests;

/// <summary>Feeds that redirect, hang, die or serve garbage: each ends in its own code naming the source, with nothing installed.</summary>
public sealed class InstallFeedFailureTests : InstallTestBase
{
    private readonly ITestOutputHelper _log;
    private readonly FunctionPackageBuilder _builder;
    private readonly string _package;

    public InstallFeedFailureTests(ITestOutputHelper log)
    {
        _log = log;
        var dependencies = Temp.Folder("deps");
        _builder = new FunctionPackageBuilder();
        _builder.Dependencies.Add(DependencyPackageBuilder.Build(dependencies, "Dep.A", "1.0.0"));
        _package = _builder.Build(Temp.Folder("out"));
    }

    private string[] AllPackages => new[] { _package, _builder.Dependencies[0].NupkgPath };

    private Task<FunctionPackageException> AssertInstallFails(InstallRequest request, string code, int exitCode)
        => InstallAssert.Fails(FunctionInstaller.CreateDefault().InstallAsync(request), code, exitCode, _log.WriteLine);

    private void AssertNoFunctionNorPackageInstalled() => InstallAssert.NothingInstalled(Root);

    /// <summary>A NuGet.config in the working directory with one authenticated source, as a private feed is configured.</summary>
    private void WriteNuGetConfig(string source, NetworkCredential credential)
        => File.WriteAllText(Temp.Combine("NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="private" value="{source}" />
              </packageSources>
              <packageSourceCredentials>
                <private>
                  <add key="Username" value="{credential.UserName}" />
                  <add key="ClearTextPassword" value="{credential.Password}" />
                </private>
              </packageSourceCredentials>
            </configuration>
            """);

    [Theory]
    [InlineData(false)] // the other host serves the download (a CDN): the install works
    [InlineData(true)]  // the other host answers 401 to lure the credentials out
    public async Task Credentials_of_a_feed_are_never_sent_to_the_other_origin_it_redirects_to(bool otherHostChallenges)
    {
        var credential = new NetworkCredential("builder", "s3cret-token");
        using var other = StaticNuGetFeed.Start(AllPackages);
        if (otherHostChallenges) other.RequiredCredential = new NetworkCredential("anyone", "anything");
        using var feed = StaticNuGetFeed.Start(AllPackages);
        feed.RequiredCredential = credential;
        feed.RedirectNupkgsTo = other.BaseUrl;
        WriteNuGetConfig(feed.IndexUrl, credential);

        var failure = await Record.ExceptionAsync(() => FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0")));

        _log.WriteLine(failure?.ToString() ?? "installed");
        _log.WriteLine("feed: " + string.Join(", ", feed.Requests.Zip(feed.Authorizations, (r, a) => $"{r} [{a}]")));
        _log.WriteLine("other: " + string.Join(", ", other.Requests.Zip(other.Authorizations, (r, a) => $"{r} [{a}]")));
        Assert.Contains(feed.Authorizations, a => a.StartsWith("Basic ", StringComparison.Ordinal)); // the feed's own requests are authenticated
        Assert.Contains(other.Requests, r => r.EndsWith(".nupkg", StringComparison.Ordinal));       // the redirect was followed
        Assert.All(other.Authorizations, a => Assert.Equal("", a));                                   // with no credentials at all
        if (otherHostChallenges)
        {
            // The download then fails: a source failure naming the feed, and nothing installed.
            var ex = Assert.IsType<FunctionPackageException>(failure);
            Assert.Equal(DiagnosticCodes.SourceFailed, ex.Code);
            Assert.Contains(feed.IndexUrl, ex.Message, StringComparison.Ordinal);
            AssertNoFunctionNorPackageInstalled();
        }
        else
        {
            Assert.Null(failure);
            Assert.True(File.Exists(Path.Combine(Root, "functions", "hello.function", "1.0.0", "install.json")));
        }
    }

    [Fact]
    public async Task Feed_that_accepts_connections_and_never_answers_times_out_quickly_naming_the_source()
    {
        using var silent = new SilentTcpServer();
        var watch = Stopwatch.StartNew();

        var ex = await AssertInstallFails(Request(_package, silent.Url) with { RequestTimeout = TimeSpan.FromSeconds(1) },
            DiagnosticCodes.SourceTimedOut, ExitCodes.NotFound);

        _log.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s, {silent.Accepted} connection(s)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.True(silent.Accepted > 0);
        Assert.Contains(silent.Url, ex.Message, StringComparison.Ordinal);
        Assert.Contains("--request-timeout", ex.Message, StringComparison.Ordinal);
        AssertNoFunctionNorPackageInstalled();
    }

    [Fact]
    public async Task Id_at_version_from_a_feed_that_never_answers_times_out_through_the_cli()
    {
        using var silent = new SilentTcpServer();
        var watch = Stopwatch.StartNew();

        var exitCode = await CliApplication.RunAsync(
            new[] { "install", "Hello.Function@1.0.0", "--root", Root, "--source", silent.Url, "--request-timeout", "1" }, new StringWriter());

        Assert.Equal(ExitCodes.NotFound, exitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        AssertNoFunctionNorPackageInstalled();
    }

    [Theory]
    [InlineData(FeedFault.Hang)]
    [InlineData(FeedFault.StallMidBody)]
    public async Task Feed_that_stalls_a_download_reports_progress_then_times_out(FeedFault fault)
    {
        using var feed = StaticNuGetFeed.Start(AllPackages);
        feed.NupkgFault = fault;
        var logger = new ListLogger();

        var ex = await InstallAssert.Fails(FunctionInstaller.CreateDefault(logger).InstallAsync(Request(_package, feed.IndexUrl) with { RequestTimeout = TimeSpan.FromSeconds(2) }),
            DiagnosticCodes.SourceTimedOut, ExitCodes.NotFound, _log.WriteLine);

        foreach (var message in logger.Messages) _log.WriteLine(message);
        Assert.Contains(logger.Messages, m => m.Contains("Downloading Dep.A 1.0.0 (1/1)", StringComparison.Ordinal));
        Assert.Contains(logger.Messages, m => m.Contains($"Waiting for {feed.IndexUrl} (Dep.A 1.0.0", StringComparison.Ordinal));
        Assert.Contains(feed.IndexUrl, ex.Message, StringComparison.Ordinal);
        AssertNoFunctionNorPackageInstalled();
    }

    [Theory]
    [InlineData("--timeout", "0")]
    [InlineData("--request-timeout", "-1")]
    [InlineData("--timeout", "soon")]
    [InlineData("--timeout", "1e300")]
    public async Task A_timeout_that_is_not_a_positive_number_of_seconds_is_a_usage_error(string option, string value)
    {
        var exitCode = await CliApplication.RunAsync(new[] { "install", _package, "--root", Root, option, value }, new StringWriter());

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Feed_that_hangs_on_the_download_ends_at_the_overall_timeout()
    {
        using var feed = StaticNuGetFeed.Start(AllPackages);
        feed.NupkgFault = FeedFault.Hang;
        var watch = Stopwatch.StartNew();

        var ex = await AssertInstallFails(Request(_package, feed.IndexUrl) with { Timeout = TimeSpan.FromSeconds(2) },
            DiagnosticCodes.InstallTimedOut, ExitCodes.NotFound);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Contains(feed.IndexUrl, ex.Message, StringComparison.Ordinal);
        Assert.Contains("--timeout", ex.Message, StringComparison.Ordinal);
        AssertNoFunctionNorPackageInstalled();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Feed_serving_a_non_zip_is_FPKG5112_naming_the_source(bool functionPackageFromFeed)
    {
        using var feed = StaticNuGetFeed.Start(AllPackages);
        feed.NupkgFault = FeedFault.NotAZip;

        var ex = await AssertInstallFails(Request(functionPackageFromFeed ? "Hello.Function@1.0.0" : _package, feed.IndexUrl),
            DiagnosticCodes.SourceServedInvalidPackage, ExitCodes.VerificationFailed);

        Assert.Contains(feed.IndexUrl, ex.Message, StringComparison.Ordinal);
        Assert.Contains(functionPackageFromFeed ? "Hello.Function" : "Dep.A", ex.Message, StringComparison.Ordinal);
        AssertNoFunctionNorPackageInstalled();
    }

    [Fact]
    public async Task Folder_feed_holding_a_non_zip_is_FPKG5112_naming_the_folder()
    {
        var folder = Temp.Folder("garbage-feed");
        File.WriteAllText(Path.Combine(folder, "Dep.A.1.0.0.nupkg"), "<html>not a package</html>");

        var ex = await AssertInstallFails(Request(_package, folder), DiagnosticCodes.SourceServedInvalidPackage, ExitCodes.VerificationFailed);

        Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        AssertNoFunctionNorPackageInstalled();
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/index.json", true)]
    [InlineData("http://127.0.0.1:1/v3/other/index.json", true)]
    [InlineData("HTTP://127.0.0.1:1/x", true)]
    [InlineData("http://127.0.0.1:2/index.json", false)]   // another port
    [InlineData("https://127.0.0.1:1/index.json", false)]  // another scheme
    [InlineData("http://localhost:1/index.json", false)]   // another host name
    public void Feed_credentials_answer_only_for_their_own_origin(string uri, bool answers)
    {
        var inner = new NetworkCredential("builder", "s3cret-token");
        var credentials = new FunctionPackage.Installing.Sources.NuGetFeeds.OriginBoundCredentials(new Uri("http://127.0.0.1:1/index.json"), inner);

        Assert.Equal(answers ? inner : null, credentials.GetCredential(new Uri(uri), "Basic"));
    }

    [Theory]
    [InlineData(FeedFault.ServerError, false)]
    [InlineData(FeedFault.ServerError, true)]
    [InlineData(FeedFault.ResetMidBody, false)]
    [InlineData(FeedFault.ResetMidBody, true)]
    public async Task Dying_feed_is_a_source_failure_naming_the_source_not_a_missing_package(FeedFault fault, bool functionPackageFromFeed)
    {
        using var feed = StaticNuGetFeed.Start(AllPackages);
        feed.NupkgFault = fault;

        var ex = await AssertInstallFails(Request(functionPackageFromFeed ? "Hello.Function@1.0.0" : _package, feed.IndexUrl),
            DiagnosticCodes.SourceFailed, ExitCodes.NotFound);

        Assert.Contains(feed.IndexUrl, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("embed", ex.Message, StringComparison.OrdinalIgnoreCase);
        AssertNoFunctionNorPackageInstalled();
    }
}
