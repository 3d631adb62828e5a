using System.Reflection;

namespace FunctionPackage.Host.Tests.Support;

internal static class TestPaths
{
    public static string HostAssembly => Metadata("HostAssemblyPath");

    public static string TestFunctionsSource => Metadata("TestFunctionsSource");

    public static string RepoRoot => Metadata("RepoRoot");

    private static string Metadata(string key)
        => typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
