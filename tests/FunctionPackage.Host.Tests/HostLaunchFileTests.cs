using System.Diagnostics;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// <see cref="HostLaunchFile"/>: what the host runs when a platform starts it with no arguments (Lambda's
/// <c>dotnet exec /var/task/FunctionPackage.Host.dll</c>): the file beside it, paths relative to it, the platform's
/// environment winning over the file's; an invalid file is FPKG4160.
/// </summary>
public sealed class HostLaunchFileTests : IDisposable
{
    private readonly TestRoot _root = new("host-launch");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_folder_without_the_file_has_no_launch_and_a_valid_file_gives_arguments_and_environment()
    {
        Assert.Null(HostLaunchFile.TryRead(_root.Path));
        _root.WriteFile(HostLaunchFile.FileName, """{"arguments":["serve","--function","function"],"environment":{"A":"1"}}""");
        var launch = HostLaunchFile.TryRead(_root.Path)!;
        Assert.Equal(new[] { "serve", "--function", "function" }, launch.Arguments);
        Assert.Equal("1", launch.Environment["A"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"environment":{}}""")]
    [InlineData("""{"arguments":["serve",1]}""")]
    [InlineData("""{"arguments":[],"environment":{"A":2}}""")]
    public void An_invalid_file_is_FPKG4160(string content)
    {
        _root.WriteFile(HostLaunchFile.FileName, content);
        var error = Assert.Throws<FunctionHostException>(() => HostLaunchFile.TryRead(_root.Path));
        Assert.Equal(HostErrorCodes.LaunchFileInvalid, error.Code);
        Assert.Contains(HostLaunchFile.FileName, error.Message);
    }

    /// <summary>A copy of the host with a launch file beside it, started with no arguments as Lambda's dotnet10 does.</summary>
    private async Task<(int ExitCode, string Stderr)> StartCopyAsync(string launchFile, Dictionary<string, string>? environment = null)
    {
        var host = Directory.CreateDirectory(_root.Combine("task")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(TestPaths.HostAssembly)!))
            File.Copy(file, Path.Combine(host, Path.GetFileName(file)), overwrite: true);
        File.WriteAllText(Path.Combine(host, HostLaunchFile.FileName), launchFile);
        var start = new ProcessStartInfo(DotNetCli.DotNetPath) { WorkingDirectory = _root.Path, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(host, Path.GetFileName(TestPaths.HostAssembly)));
        foreach (var (name, value) in environment ?? new()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stderr);
    }

    [Fact]
    public async Task Started_with_no_arguments_the_host_runs_the_launch_file_with_paths_relative_to_it()
    {
        var (exitCode, stderr) = await StartCopyAsync("""{"arguments":["invoke","--function","no-function-here"]}""");
        Assert.True(exitCode == ExitCodes.LoadFailed, stderr);
        Assert.Contains(HostErrorCodes.FunctionNotInstalled, stderr);
        Assert.Contains(Path.Combine(_root.Combine("task"), "no-function-here"), stderr); // not the working directory's
    }

    [Fact]
    public async Task Started_with_no_arguments_an_invalid_launch_file_exits_1_with_FPKG4160()
    {
        var (exitCode, stderr) = await StartCopyAsync("""{"arguments":"serve"}""");
        Assert.True(exitCode == ExitCodes.Usage, stderr);
        Assert.Contains("FPKG4160", stderr);
    }
}
