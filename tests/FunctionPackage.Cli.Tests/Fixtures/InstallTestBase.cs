using FunctionPackage.Cli.Commands;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>
/// What the verify and install test classes share: a temp folder (deleted afterwards) with a folder feed and an install
/// root, install requests against them, and fnpkg run in process.
/// </summary>
public abstract class InstallTestBase : IDisposable
{
    protected InstallTestBase()
    {
        Feed = Temp.Folder("feed");
        Root = Temp.Combine("root");
    }

    protected TempDirectory Temp { get; } = new();
    /// <summary>A folder feed (created, empty).</summary>
    protected string Feed { get; }
    /// <summary>The install root (not created: tests check that a refused install never creates it).</summary>
    protected string Root { get; }

    public virtual void Dispose() => Temp.Dispose();

    /// <summary>A function with Dep.A 1.0.0 and Dep.B 2.1.0, both in <see cref="Feed"/>.</summary>
    protected FunctionPackageBuilder Function(string mode = FunctionPackageFormat.ReferenceMode)
    {
        var builder = new FunctionPackageBuilder { DependencyMode = mode };
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Feed, "Dep.A", "1.0.0"));
        builder.Dependencies.Add(DependencyPackageBuilder.Build(Feed, "Dep.B", "2.1.0"));
        return builder;
    }

    protected InstallRequest Request(string package, params string[] sources) => new()
    {
        Package = package,
        Root = Root,
        Sources = sources,
        WorkingDirectory = Temp.Path,
    };

    /// <summary>No function folder and no staging leftovers under <see cref="Root"/> (shared packages may stay: they are whole).</summary>
    protected void AssertNothingInstalled()
    {
        foreach (var folder in new[] { "functions", ".staging" })
        {
            var path = Path.Combine(Root, folder);
            Assert.False(Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(), $"{path} should be empty");
        }
    }

    /// <summary>fnpkg with these arguments, in process: its exit code and stdout.</summary>
    protected static async Task<(int ExitCode, string Output)> RunCli(params string[] args)
    {
        var output = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, output);
        return (exitCode, output.ToString());
    }
}
