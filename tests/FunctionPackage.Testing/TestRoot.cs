namespace FunctionPackage.Testing;

/// <summary>
/// A unique folder under <c>$TMP/fpkg-tests/</c>, outside the repository so that its Directory.Build.* and
/// NuGet.config cannot leak into the projects a test creates. Deleted on dispose unless
/// <c>FPKG_KEEP_TEST_ROOTS=1</c> (then its path is kept for inspection).
/// </summary>
public sealed class TestRoot : IDisposable
{
    public const string KeepVariable = "FPKG_KEEP_TEST_ROOTS";

    public TestRoot(string? name = null)
    {
        var leaf = name is null ? Guid.NewGuid().ToString("N") : $"{name}-{Guid.NewGuid():N}";
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fpkg-tests", leaf);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>An absolute path under the root.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Path }.Concat(parts).ToArray());

    /// <summary>Writes a file under the root (UTF-8, no BOM) and returns its absolute path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, ProjectCreator.Utf8NoBom);
        return path;
    }

    public static bool KeepRoots => Environment.GetEnvironmentVariable(KeepVariable) == "1";

    public void Dispose()
    {
        if (KeepRoots || !Directory.Exists(Path)) return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A lingering build node may still hold a file; the folder is in TMP and harmless to leave.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public override string ToString() => Path;
}
