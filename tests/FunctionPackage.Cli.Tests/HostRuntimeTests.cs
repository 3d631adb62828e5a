using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Tests;

/// <summary>
/// The runtime check judges what will run the function — fnpkg's host and its shared frameworks — on a fake dotnet
/// root (<c>shared/&lt;name&gt;/&lt;version&gt;/</c>), so the answers do not depend on this machine.
/// </summary>
public sealed class HostRuntimeTests : IDisposable
{
    private const string NetCore = "Microsoft.NETCore.App";
    private const string AspNetCore = "Microsoft.AspNetCore.App";
    private static readonly Version Net10 = new(10, 0);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A dotnet root holding exactly the given shared framework folders ("Microsoft.NETCore.App/10.0.12").</summary>
    private string DotnetRoot(params string[] frameworks)
    {
        var root = _temp.Folder("dotnet-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var framework in frameworks) Directory.CreateDirectory(Path.Combine(root, "shared", framework));
        return root;
    }

    /// <summary>What the machine in the issue has: only the .NET 10 runtime (and ASP.NET Core 10).</summary>
    private RuntimeFrameworkChecker OnlyNet10() => new(DotnetRoot($"{NetCore}/10.0.12", $"{AspNetCore}/10.0.12"), hostTargetVersion: Net10);

    private static RuntimeDefinition Needs(params (string Name, string Version)[] frameworks)
    {
        var runtime = new RuntimeDefinition { Tfm = "net8.0" };
        foreach (var (name, version) in frameworks) runtime.Frameworks.Add(new FrameworkDefinition { Name = name, Version = version });
        return runtime;
    }

    [Theory]
    [InlineData(NetCore, "8.0.0")]
    [InlineData(AspNetCore, "8.0.0")]
    [InlineData(NetCore, "6.0.36")]
    [InlineData(NetCore, "10.0.0")]
    [InlineData(NetCore, "10.0.15")] // a newer patch than installed: the host compares major.minor, and so do we
    public void A_function_for_the_hosts_major_or_lower_is_runnable_on_the_hosts_runtime(string framework, string version)
    {
        var chosen = OnlyNet10().Check(Needs((framework, version)));
        Assert.Equal("10.0.12", chosen[framework]);
    }

    [Theory]
    [InlineData(NetCore, "11.0.0", "net10.0")]
    [InlineData(AspNetCore, "11.0.0", "net10.0")]
    [InlineData(NetCore, "10.1.0", "net10.0")]
    public void A_function_for_a_newer_net_than_the_host_is_FPKG5150_naming_the_fix(string framework, string version, string retarget)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => OnlyNet10().Check(Needs((framework, version))));
        Assert.Equal(DiagnosticCodes.FrameworkNotRunnableByHost, ex.Code);
        Assert.Equal(ExitCodes.RuntimeMissing, ExitCodeTable.For(ex.Code));
        Assert.Contains($"Retarget the function to {retarget} or lower", ex.Message);
    }

    [Fact]
    public void A_shared_framework_the_host_does_not_offer_is_FPKG5150()
    {
        var ex = Assert.Throws<FunctionPackageException>(() => OnlyNet10().Check(Needs(("Microsoft.WindowsDesktop.App", "8.0.0"))));
        Assert.Equal(DiagnosticCodes.FrameworkNotRunnableByHost, ex.Code);
    }

    [Theory]
    [InlineData(NetCore + "/10.0.12", AspNetCore + "/8.0.11")] // the host is an ASP.NET Core app: it needs both at its major
    [InlineData(NetCore + "/9.0.5", AspNetCore + "/10.0.12")]
    public void The_hosts_own_runtime_missing_is_FPKG5105_naming_what_to_install(string netCore, string aspNetCore)
    {
        var checker = new RuntimeFrameworkChecker(DotnetRoot(netCore, aspNetCore), hostTargetVersion: Net10);
        var ex = Assert.Throws<FunctionPackageException>(() => checker.Check(Needs((NetCore, "8.0.0"))));
        Assert.Equal(DiagnosticCodes.RuntimeFrameworkMissing, ex.Code);
        Assert.Contains("Install the .NET 10.0 runtime", ex.Message);
    }

    [Fact]
    public void The_host_runs_on_what_the_muxer_picks_the_lowest_minor_at_its_latest_patch()
    {
        var checker = new RuntimeFrameworkChecker(DotnetRoot(
            $"{NetCore}/9.0.5", $"{NetCore}/10.0.3", $"{NetCore}/10.0.12", $"{NetCore}/10.2.1", $"{NetCore}/11.0.0",
            $"{AspNetCore}/10.0.12"), hostTargetVersion: Net10);
        Assert.Equal("10.0.12", checker.Check(Needs((NetCore, "8.0.0")))[NetCore]);
    }

    [Fact]
    public void Materialized_folder_needs_are_reported_not_enforced()
    {
        var checker = OnlyNet10();
        var (message, satisfied) = checker.DescribeStandaloneNeeds(Needs((NetCore, "8.0.0")));
        Assert.False(satisfied, message);
        Assert.Contains("Microsoft.NETCore.App 8.0 (this machine has 10.0.12)", message);
        Assert.Contains("DOTNET_ROLL_FORWARD=Major", message);

        var rollsForward = Needs((NetCore, "8.0.0"));
        rollsForward.RollForward = "Major";
        Assert.True(checker.DescribeStandaloneNeeds(rollsForward).Satisfied);
        Assert.True(checker.DescribeStandaloneNeeds(Needs((NetCore, "10.0.0"))).Satisfied);
    }

    [Fact]
    public async Task A_net8_function_installs_where_only_net10_is_and_materialize_says_what_the_folder_needs()
    {
        var feed = _temp.Folder("feed");
        var builder = new FunctionPackageBuilder();
        builder.Dependencies.Add(DependencyPackageBuilder.Build(feed, "Dep.A", "1.0.0"));
        builder.Frameworks.Clear();
        builder.Frameworks.Add(new FrameworkDefinition { Name = NetCore, Version = "8.0.0" });
        builder.EditManifest = manifest => manifest.Runtime.Tfm = "net8.0";
        var package = builder.Build(_temp.Folder("out"));
        var logger = new RecordingLogger();
        var materialized = _temp.Combine("materialized");

        var result = await FunctionInstaller.CreateDefault(logger, OnlyNet10()).InstallAsync(new InstallRequest
        {
            Package = package,
            Root = _temp.Combine("root"),
            Sources = new[] { feed },
            WorkingDirectory = _temp.Path,
            MaterializeDirectory = materialized,
        });

        Assert.True(File.Exists(Path.Combine(result.FunctionDirectory, "function", "Hello.Function.dll")), logger.Text);
        Assert.True(File.Exists(Path.Combine(materialized, "Hello.Function.dll")), logger.Text);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Microsoft.NETCore.App 8.0 (this machine has 10.0.12)"));
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = new();

        public string Text => string.Join("\n", Entries.Select(e => $"{e.Level}: {e.Message}"));

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
