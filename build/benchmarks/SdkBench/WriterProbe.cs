using System.Globalization;
using System.Security;
using System.Text;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// Explains the packaging numbers: calls the packed SDK's FunctionPackageWriter in-process (no MSBuild) and records
/// CPU time (robust on a loaded machine, unlike wall time) of the first call in a fresh process, which pays for
/// loading and JIT-compiling the task's assemblies, against warm calls, which show the work that grows with size.
/// Also the CPU time of a cold NuGet PackageBuilder saving a one-file package, the floor of any PackageBuilder use.
/// </summary>
public sealed class WriterProbe
{
    private const int WarmCalls = 10;
    private readonly string _root;
    private readonly DotnetRunner _runner;

    public WriterProbe(string work, DotnetRunner runner)
    {
        _root = Path.Combine(work, "probe");
        _runner = runner;
    }

    public string Run(string taskDirectory, IReadOnlyList<GeneratedFunction> functions)
    {
        Console.WriteLine("==> Packaging: in-process probe of FunctionPackageWriter (CPU time)");
        Directory.CreateDirectory(_root);
        var references = string.Join("\n", Directory.GetFiles(taskDirectory, "*.dll").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => $"""    <Reference Include="{SecurityElement.Escape(f)}" />"""));
        File.WriteAllText(Path.Combine(_root, "Probe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <NoWarn>$(NoWarn);MSB3277</NoWarn>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_root, "Program.cs"), ProbeSource);
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_root, "Directory.Build.targets"), "<Project />\n");
        _runner.Run(_root, new[] { "build", "Probe.csproj", "-c", "Release", "-nologo", "-p:UseSharedCompilation=false" });
        var probe = Path.Combine(_root, "bin", "Release", "net10.0", "Probe.dll");

        var builderFloor = ParseValue(_runner.Run(_root, new[] { probe, "builder" }).Output, "builder_cpu_ms");
        var md = new StringBuilder();
        md.AppendLine($"Where the time goes — `FunctionPackageWriter.Write` (the logic behind `CreateFunctionPackage`) called in-process from the packed SDK's " +
                      $"`tasks/net8.0` assemblies by a generated probe (`$WORK/probe`, `dotnet Probe.dll <function dir>`), CPU time of the process " +
                      $"(`Process.TotalProcessorTime`, all threads), which a loaded machine inflates far less than wall time: the first call in a fresh process, then the median of {WarmCalls} warm calls " +
                      "(output deleted before each call, as above).");
        md.AppendLine();
        md.AppendLine("| size (packages/projects) | first call, CPU ms | warm call median, CPU ms |");
        md.AppendLine("|---|---:|---:|");
        foreach (var function in functions)
        {
            var output = _runner.Run(_root, new[] { probe, Path.GetDirectoryName(function.ProjectPath)!, WarmCalls.ToString(CultureInfo.InvariantCulture) }).Output;
            md.AppendLine($"| {function.Packages}/{function.ProjectReferences} | {ParseValue(output, "first_cpu_ms"):F0} | {ParseValue(output, "warm_median_cpu_ms"):F1} |");
        }
        md.AppendLine();
        md.AppendLine($"A cold NuGet `PackageBuilder` saving a one-file, one-dependency package in a fresh process (`dotnet Probe.dll builder`): **{builderFloor:F0} ms CPU**.");
        md.AppendLine();
        return md.ToString();
    }

    private static double ParseValue(string output, string key)
    {
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal))
                return double.Parse(line.Substring(key.Length + 1).Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"The probe printed no {key}:\n{output}");
    }

    private const string ProbeSource = """
        using System.Diagnostics;
        using System.Globalization;
        using FunctionPackage.Sdk.Packaging;
        using NuGet.Frameworks;
        using NuGet.Packaging;
        using NuGet.Packaging.Core;
        using NuGet.Versioning;

        var process = Process.GetCurrentProcess();
        double Cpu() { process.Refresh(); return process.TotalProcessorTime.TotalMilliseconds; }
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

        if (args[0] == "builder")
        {
            var start = Cpu();
            var builder = new PackageBuilder(deterministic: true) { Id = "Probe", Version = NuGetVersion.Parse("1.0.0"), Description = "probe" };
            builder.Authors.Add("probe");
            builder.DependencyGroups.Add(new PackageDependencyGroup(NuGetFramework.Parse("net10.0"),
                new[] { new PackageDependency("Other", VersionRange.Parse("[1.0.0]")) }));
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(new byte[16])) { TargetPath = "function/a.bin" });
            builder.Save(new MemoryStream());
            Console.WriteLine($"builder_cpu_ms={F(Cpu() - start)}");
            return;
        }

        // A request like the one CreateFunctionPackage builds for a generated function (BenchPkg* files come from packages).
        var directory = args[0];
        var name = Path.GetFileName(directory.TrimEnd('/'));
        var publish = Path.Combine(directory, "bin", "Release", "net10.0", "publish") + "/";
        var request = new FunctionPackageRequest
        {
            PackageId = name, PackageVersion = "1.0.0", EntryAssembly = name + ".dll",
            EntryPointType = "Bench.Handler", EntryPointMethod = "Handle", TargetFramework = "net10.0", DependencyMode = "Reference",
            PublishDirectory = publish, DepsFilePath = publish + name + ".deps.json",
            AssetsFilePath = Path.Combine(directory, "obj", "project.assets.json"),
            OutputPath = Path.Combine(AppContext.BaseDirectory, "out", name + ".nupkg"),
        };
        foreach (var file in Directory.GetFiles(publish).OrderBy(f => f, StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(file);
            if (fileName.StartsWith("BenchPkg", StringComparison.Ordinal))
                request.PackageAssets.Add(new PackageAsset(Path.GetFileNameWithoutExtension(fileName), "1.0.0", "lib/net10.0/" + fileName, "runtime", null, null, fileName));
            else
                request.OwnFiles.Add(new OwnFile(fileName));
        }

        double Call()
        {
            if (File.Exists(request.OutputPath)) File.Delete(request.OutputPath);
            var start = Cpu();
            new FunctionPackageWriter().Write(request);
            return Cpu() - start;
        }

        Console.WriteLine($"first_cpu_ms={F(Call())}");
        var warm = Enumerable.Range(0, int.Parse(args[1], CultureInfo.InvariantCulture)).Select(_ => Call()).OrderBy(v => v).ToArray();
        Console.WriteLine($"warm_median_cpu_ms={F(warm[warm.Length / 2])}");
        """;
}
