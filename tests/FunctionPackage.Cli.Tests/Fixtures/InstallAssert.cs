using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>Assertions shared by the install tests: the coded failure, and an install root with nothing installed in it.</summary>
public static class InstallAssert
{
    public static async Task<FunctionPackageException> Fails(Task install, string code, int exitCode, Action<string>? log = null)
    {
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => install);
        log?.Invoke(ex.ToString());
        Assert.Equal(code, ex.Code);
        Assert.Equal(exitCode, ExitCodeTable.For(ex.Code));
        return ex;
    }

    /// <summary>No function folder, no shared package and no staging leftovers under <paramref name="root"/>.</summary>
    public static void NothingInstalled(string root)
    {
        foreach (var folder in new[] { "functions", "packages", ".staging" })
        {
            var path = Path.Combine(root, folder);
            Assert.False(Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(), $"{path} should be empty");
        }
    }
}
