using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Verification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionPackage.Cli.Tests.Installing;

/// <summary>
/// The installer against a source that is not NuGet (bytes in memory) and a fake clock: what an OCI source will rely on.
/// No feed folder exists when the install runs, so every byte came through <see cref="FunctionPackage.Installing.Sources.IPackageSource"/>.
/// </summary>
public sealed class InMemoryPackageSourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly InMemoryPackageSource _source = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly string _root;

    public InMemoryPackageSourceTests()
    {
        _root = _temp.Combine("root");
        var built = _temp.Folder("built");
        var builder = new FunctionPackageBuilder();
        var dependency = DependencyPackageBuilder.Build(built, "Dep.A", "1.0.0");
        builder.Dependencies.Add(dependency);
        var package = builder.Build(built);
        _source.Add("Hello.Function", "1.0.0", package);
        _source.Add("Dep.A", "1.0.0", dependency.NupkgPath);
        Directory.Delete(built, recursive: true);
    }

    public void Dispose() => _temp.Dispose();

    private FunctionInstaller Installer() => new(_source, new PackageVerifier(), new RuntimeFrameworkChecker(), _clock, NullLogger.Instance);

    private InstallRequest Request() => new() { Package = "Hello.Function@1.0.0", Root = _root, WorkingDirectory = _temp.Path };

    private string DependencyMetadata => Path.Combine(_root, "packages", "dep.a", "1.0.0", ".nupkg.metadata");

    [Fact]
    public async Task Installs_id_at_version_and_its_dependency_from_memory()
    {
        var result = await Installer().InstallAsync(Request());

        Assert.False(result.AlreadyInstalled);
        Assert.Equal(1, result.PackagesAdded);
        Assert.Equal(Path.Combine(_root, "functions", "hello.function", "1.0.0"), result.FunctionDirectory);
        Assert.True(File.Exists(Path.Combine(result.FunctionDirectory, "install.json")));
        Assert.True(File.Exists(Path.Combine(result.FunctionDirectory, "function", "data", "greeting.txt")));
        Assert.True(File.Exists(DependencyMetadata));
        Assert.Contains(InMemoryPackageSource.Location, File.ReadAllText(DependencyMetadata), StringComparison.Ordinal);
        Assert.Equal(new[] { "Hello.Function 1.0.0", "Dep.A 1.0.0" }, _source.Downloads);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_root, ".staging")));
    }

    [Fact]
    public async Task A_complete_install_is_a_no_op_that_never_opens_the_source()
    {
        await Installer().InstallAsync(Request());
        var receipt = File.ReadAllBytes(Path.Combine(_root, "functions", "hello.function", "1.0.0", "install.json"));

        var again = await Installer().InstallAsync(Request());

        Assert.True(again.AlreadyInstalled);
        Assert.Equal(0, again.PackagesAdded);
        Assert.Equal(1, _source.Sessions);
        Assert.Equal(2, _source.Downloads.Count);
        Assert.Equal(receipt, File.ReadAllBytes(Path.Combine(again.FunctionDirectory, "install.json")));
    }

    [Fact]
    public async Task A_missing_shared_package_is_repaired_and_the_function_folder_left_as_it_was()
    {
        var first = await Installer().InstallAsync(Request());
        var receipt = File.ReadAllBytes(Path.Combine(first.FunctionDirectory, "install.json"));
        Directory.Delete(Path.Combine(_root, "packages", "dep.a"), recursive: true);

        var repaired = await Installer().InstallAsync(Request());

        Assert.True(repaired.AlreadyInstalled);
        Assert.Equal(1, repaired.PackagesAdded);
        Assert.True(File.Exists(DependencyMetadata));
        Assert.Equal(new[] { "Hello.Function 1.0.0", "Dep.A 1.0.0", "Hello.Function 1.0.0", "Dep.A 1.0.0" }, _source.Downloads);
        Assert.Equal(receipt, File.ReadAllBytes(Path.Combine(repaired.FunctionDirectory, "install.json")));
    }

    [Fact]
    public async Task The_install_deadline_runs_on_the_injected_clock_and_names_the_waiting_source()
    {
        _source.HangOnId = "Dep.A";
        var install = Installer().InstallAsync(Request());
        // Real time only bounds the wait for the download to start; the deadline itself is the fake clock's.
        for (var waited = 0; !_source.Downloads.Contains("Dep.A 1.0.0") && waited < 30_000; waited += 20) await Task.Delay(20);
        Assert.False(install.IsCompleted, "the install must wait for the silent source");

        _clock.Advance(InstallRequest.DefaultTimeout + TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => install);
        Assert.Equal(DiagnosticCodes.InstallTimedOut, ex.Code);
        Assert.Contains(InMemoryPackageSource.Location, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "functions")) && Directory.EnumerateFileSystemEntries(Path.Combine(_root, "functions")).Any());
    }
}
