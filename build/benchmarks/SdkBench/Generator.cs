using System.Reflection;
using System.Reflection.Emit;
using System.Security;
using NuGet.Frameworks;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Versioning;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>One generated function project: how many closure packages and project references it has.</summary>
public sealed record GeneratedFunction(string Name, string ProjectPath, int Packages, int ProjectReferences, int DirectPackageReferences);

/// <summary>
/// Writes the inputs of the packaging benchmark under one root, all local (no registry):
/// <list type="bullet">
/// <item><c>feed/BenchPkgNNN.1.0.0.nupkg</c>: real class libraries emitted with PersistedAssemblyBuilder and packed
/// with PackageBuilder. Packages form chains of <see cref="ChainLength"/> (NNN depends on NNN+1 unless NNN+1 starts
/// the next chain), so a function references only chain heads directly and restore adds the rest transitively.</item>
/// <item><c>libs/BenchLibNN</c>: small class libraries for project references.</item>
/// <item><c>FnPPP_MM</c>: a function referencing packages 0..PPP-1 (through their chain heads) and libs 0..MM-1, so the
/// sizes share packages and libraries and the libraries compile once.</item>
/// </list>
/// </summary>
public sealed class Generator
{
    public const int ChainLength = 5;
    public const string PackagePrefix = "BenchPkg";
    private const string PackageVersion = "1.0.0";

    private readonly string _root;

    public Generator(string root) => _root = root;

    public string FeedDirectory => Path.Combine(_root, "feed");
    public string PackagesDirectory => Path.Combine(_root, "packages");

    /// <summary>Writes packages 0..<paramref name="packageCount"/>-1, rounded up to whole chains.</summary>
    public void WritePackages(int packageCount)
    {
        Directory.CreateDirectory(FeedDirectory);
        var total = (packageCount + ChainLength - 1) / ChainLength * ChainLength;
        var framework = NuGetFramework.Parse("net10.0");
        for (var i = 0; i < total; i++)
        {
            var id = PackageId(i);
            var builder = new PackageBuilder(deterministic: true)
            {
                Id = id,
                Version = NuGetVersion.Parse(PackageVersion),
                Description = $"Generated benchmark package {i}.",
                DeterministicTimestamp = "2000-01-01T00:00:00Z",
            };
            builder.Authors.Add("FunctionPackage benchmarks");
            var dependencies = new List<PackageDependency>();
            if ((i + 1) % ChainLength != 0)
                dependencies.Add(new PackageDependency(PackageId(i + 1), VersionRange.Parse(PackageVersion)));
            builder.DependencyGroups.Add(new PackageDependencyGroup(framework, dependencies));
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(EmitAssembly(id))) { TargetPath = $"lib/net10.0/{id}.dll" });

            var path = Path.Combine(FeedDirectory, $"{id}.{PackageVersion}.nupkg");
            using var stream = File.Create(path);
            builder.Save(stream);
        }
    }

    /// <summary>Writes class libraries BenchLib00..(<paramref name="count"/>-1).</summary>
    public void WriteLibraries(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var name = LibraryName(i);
            var directory = Path.Combine(_root, "libs", name);
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, name + ".csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(directory, "Library.cs"), $$"""
                namespace {{name}};

                public static class Library
                {
                    public static string Describe(int value) => $"{{name}}:{value}";
                }
                """);
        }
    }

    /// <summary>Writes a function project over packages 0..packages-1 and libraries 0..projectReferences-1.</summary>
    public GeneratedFunction WriteFunction(int packages, int projectReferences, string sdkVersion)
    {
        if (packages % ChainLength != 0) throw new ArgumentException($"Package count must be a multiple of {ChainLength}.", nameof(packages));
        var name = $"Fn{packages:D3}_{projectReferences:D2}";
        var directory = Path.Combine(_root, name);
        Directory.CreateDirectory(directory);

        var heads = Enumerable.Range(0, packages).Where(i => i % ChainLength == 0).ToList();
        var packageLines = string.Join("\n", heads.Select(i => $"""    <PackageReference Include="{PackageId(i)}" Version="{PackageVersion}" />"""));
        var projectLines = string.Join("\n", Enumerable.Range(0, projectReferences).Select(i =>
            $"""    <ProjectReference Include="../libs/{LibraryName(i)}/{LibraryName(i)}.csproj" />"""));
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <FunctionEntryPoint>Bench.Handler::Handle</FunctionEntryPoint>
                <Description>Generated: {packages} closure packages, {projectReferences} project references.</Description>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FunctionPackage.Sdk" Version="{SecurityElement.Escape(sdkVersion)}" />
            {packageLines}
              </ItemGroup>
              <ItemGroup>
            {projectLines}
              </ItemGroup>
            </Project>
            """);
        var uses = projectReferences == 0 ? "input" : $"{LibraryName(0)}.Library.Describe(input.Length)";
        File.WriteAllText(Path.Combine(directory, "Handler.cs"), $$"""
            namespace Bench;

            public sealed class Handler
            {
                public string Handle(string input) => {{uses}};
            }
            """);
        return new GeneratedFunction(name, Path.Combine(directory, name + ".csproj"), packages, projectReferences, heads.Count);
    }

    /// <summary>
    /// The root's Directory.Build.props and NuGet.config: private packages folder, <paramref name="packagesFeed"/> (the
    /// generated packages served over http: a folder feed would make the SDK embed them, so no longer reference mode)
    /// only for our ids.
    /// </summary>
    public void WriteRootFiles(string repoVersionProps, string sdkFeed, string packagesFeed)
    {
        Directory.CreateDirectory(_root);
        Workspace.WriteBuildProps(_root, repoVersionProps, PackagesDirectory);
        Workspace.WriteNuGetConfig(_root, sdkFeed, ($"{PackagePrefix}*", packagesFeed));
    }

    public static string PackageId(int index) => $"{PackagePrefix}{index:D3}";
    public static string LibraryName(int index) => $"BenchLib{index:D2}";

    /// <summary>A tiny but real class library: one public static class with one method.</summary>
    private static byte[] EmitAssembly(string name)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name) { Version = new Version(1, 0, 0, 0) }, typeof(object).Assembly);
        var module = assembly.DefineDynamicModule(name + ".dll");
        var type = module.DefineType(name + ".Marker", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        var method = type.DefineMethod("Name", MethodAttributes.Public | MethodAttributes.Static, typeof(string), Type.EmptyTypes);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldstr, name);
        il.Emit(OpCodes.Ret);
        type.CreateType();
        using var stream = new MemoryStream();
        assembly.Save(stream);
        return stream.ToArray();
    }
}
