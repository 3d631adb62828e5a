using System.Security.Cryptography;
using System.Text;
using FunctionPackage.Testing;

namespace FunctionPackage.Host.Tests.Support;

/// <summary>
/// Publishes tests/TestFunctions once (one <c>dotnet publish</c> of TestFunctions.slnx, from a temp copy outside the
/// repo) and caches the output under TMP keyed by a hash of the sources, so reruns and parallel test classes share it.
/// </summary>
internal static class TestFunctionBuilds
{
    private static readonly Lazy<Task<string>> Published = new(() => Task.Run(Publish));

    /// <summary>The publish folder of one test function project (Greeter, Humane).</summary>
    public static async Task<string> GetPublishDirectoryAsync(string project)
        => Path.Combine(await Published.Value, project);

    private static string Publish()
    {
        var source = TestPaths.TestFunctionsSource;
        var cache = Path.Combine(Path.GetTempPath(), "fpkg-tests", $"host-functions-{HashSources(source)}");
        var done = Path.Combine(cache, ".complete");
        if (File.Exists(done)) return Path.Combine(cache, "publish");

        var staging = $"{cache}.tmp-{Guid.NewGuid():N}";
        var src = Path.Combine(staging, "src");
        CopyDirectory(source, src);
        File.Copy(Path.Combine(TestPaths.RepoRoot, "NuGet.config"), Path.Combine(src, "NuGet.config"), overwrite: true);
        var publish = Path.Combine(staging, "publish") + Path.DirectorySeparatorChar;
        var output = DotNetCli.Run(new[]
        {
            "publish", "TestFunctions.slnx", "-c", "Release", $"-p:TestFunctionsPublishRoot={publish}",
            "-nologo", "-tl:off", "-v:q", "-nodeReuse:false",
        }, src, TimeSpan.FromMinutes(4));
        if (!output.Succeeded)
        {
            throw new InvalidOperationException($"Publishing the test functions failed:\n{output.GetConsoleLog()}");
        }
        File.WriteAllText(Path.Combine(staging, ".complete"), "");
        try
        {
            Directory.Move(staging, cache);
        }
        catch (IOException) when (File.Exists(done))
        {
            // Another test run published the same sources first: use theirs.
            TryDelete(staging);
        }
        return Path.Combine(cache, "publish");
    }

    private static string HashSources(string root)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in SourceFiles(root).OrderBy(f => f, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file).Replace('\\', '/') + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static IEnumerable<string> SourceFiles(string root)
        => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in SourceFiles(from))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
