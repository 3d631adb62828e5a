using System.Globalization;
using System.Security;
using System.Text;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// Explains the packaging numbers: calls the packed SDK's FunctionPackageWriter in-process (no MSBuild) and records
/// CPU time (robust on a loaded machine, unlike wall time) of the first call in a fresh process, which pays for
/// loading and JIT-compiling the task's assemblies, against warm calls, which show the work that grows with size.
/// Also, in alternating fresh processes, the CPU time of a cold NuGet PackageBuilder and of the SDK's direct NupkgWriter
/// saving the same one-file package (the lever of issue 12), and a Stopwatch trace of the writer's phases in a fresh process,
/// each first and warm, with the warm whole call against issue 12's ≤ 10 ms.
/// </summary>
public sealed class WriterProbe
{
    private const int WarmCalls = 10;
    private const int FloorRounds = 7;
    /// <summary>Issue 12: packaging work at 300/20 in a warm process.</summary>
    private const int WarmTargetMs = 10;
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

        // Fresh processes, the order alternating, so both floors see the same machine load.
        var floors = new Dictionary<string, List<double>> { ["builder"] = new(), ["direct"] = new() };
        for (var round = 0; round < FloorRounds; round++)
        {
            foreach (var mode in round % 2 == 0 ? new[] { "builder", "direct" } : new[] { "direct", "builder" })
                floors[mode].Add(ParseValue(_runner.Run(_root, new[] { probe, mode }).Output, "floor_cpu_ms"));
        }
        var md = new StringBuilder();
        md.AppendLine($"Where the time goes — `FunctionPackageWriter.Write` (the logic behind `CreateFunctionPackage`) called in-process from the packed SDK's " +
                      $"`{Path.GetRelativePath(Path.Combine(taskDirectory, "..", "..", ".."), taskDirectory)}` assemblies by a generated probe (`$WORK/probe`, `dotnet Probe.dll <function dir>`), CPU time of the process " +
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
        md.AppendLine($"The .nupkg encoding alone, cold: a one-file, one-dependency package saved in a fresh process, {FloorRounds} rounds alternating, CPU ms (median; per run):");
        md.AppendLine();
        md.AppendLine("| encoder | median CPU ms | per run |");
        md.AppendLine("|---|---:|---|");
        md.AppendLine($"| NuGet `PackageBuilder` (before issue 12; `dotnet Probe.dll builder`) | **{Statistics.Median(floors["builder"]):F0}** | {string.Join(", ", floors["builder"].Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} |");
        md.AppendLine($"| `NupkgWriter` (the SDK's direct writer; `dotnet Probe.dll direct`) | **{Statistics.Median(floors["direct"]):F0}** | {string.Join(", ", floors["direct"].Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} |");
        md.AppendLine();

        var largest = functions.OrderBy(f => f.Packages).Last();
        var trace = _runner.Run(_root, new[] { probe, "trace", Path.GetDirectoryName(largest.ProjectPath)!, WarmCalls.ToString(CultureInfo.InvariantCulture) }).Output;
        md.AppendLine($"Stopwatch trace of the packaging run at {largest.Packages}/{largest.ProjectReferences} in a fresh process (`dotnet Probe.dll trace <function dir> {WarmCalls}`: the writer's phases called one after another, " +
                      $"as `FunctionPackageWriter.Write` does, CPU ms of the process: each phase's first call, then the median of {WarmCalls} more calls of it — warm, as in an MSBuild node that packages again):");
        md.AppendLine();
        md.AppendLine("| phase | first call, CPU ms | warm median, CPU ms |");
        md.AppendLine("|---|---:|---:|");
        foreach (var line in trace.Split('\n').Where(l => l.StartsWith("phase ", StringComparison.Ordinal)))
        {
            var parts = line.Substring("phase ".Length).Split('=');
            var values = parts[1].Split(' ');
            md.AppendLine($"| {parts[0]} | {double.Parse(values[0], CultureInfo.InvariantCulture):F1} | {double.Parse(values[1], CultureInfo.InvariantCulture):F1} |");
        }
        md.AppendLine();
        var warm = ParseValue(trace, "warm_median_cpu_ms");
        md.AppendLine($"Warm packaging at {largest.Packages}/{largest.ProjectReferences} (the whole `FunctionPackageWriter.Write`, median of {WarmCalls} calls after the first, output deleted before each): " +
                      $"**{warm:F1} ms CPU** — target ≤ {WarmTargetMs} ms: {(warm <= WarmTargetMs ? "met" : "missed")}.");
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

        // The one-file, one-dependency package of both floors.
        var floorVersion = NuGetVersion.Parse("1.0.0");
        var floorContent = new NupkgContent("Probe", floorVersion, "probe", new[] { "probe" }, "net10.0",
            new[] { new NupkgDependency("Other", floorVersion) }, new[] { new NupkgFile("function/a.bin", Bytes: new byte[16]) });
        // Local functions: each is JIT-compiled (and loads what it uses) only when called, so "direct" loads no NuGet.Packaging.
        static void Builder(NuGetVersion version)
        {
            var builder = new PackageBuilder(deterministic: true) { Id = "Probe", Version = version, Description = "probe" };
            builder.Authors.Add("probe");
            builder.DependencyGroups.Add(new PackageDependencyGroup(NuGetFramework.Parse("net10.0"),
                new[] { new PackageDependency("Other", VersionRange.Parse("[1.0.0]")) }));
            builder.Files.Add(new PhysicalPackageFile(new MemoryStream(new byte[16])) { TargetPath = "function/a.bin" });
            builder.Save(new MemoryStream());
        }
        if (args[0] == "builder")
        {
            var start = Cpu();
            Builder(floorVersion);
            Console.WriteLine($"floor_cpu_ms={F(Cpu() - start)}");
            return;
        }
        if (args[0] == "direct")
        {
            var start = Cpu();
            NupkgWriter.Write(new MemoryStream(), floorContent);
            Console.WriteLine($"floor_cpu_ms={F(Cpu() - start)}");
            return;
        }

        // A request like the one CreateFunctionPackage builds for a generated function (BenchPkg* files come from packages).
        var directory = args[0] == "trace" ? args[1] : args[0];
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

        if (args[0] == "trace")
        {
            // FunctionPackageWriter.Write's phases in its order: each one's first call in this process, then the median
            // of more calls of it (warm). CPU time: robust under load.
            var calls = int.Parse(args[2], CultureInfo.InvariantCulture);
            double Phase(string name, Action action)
            {
                var start = Cpu();
                action();
                var first = Cpu() - start;
                var warm = new List<double>();
                for (var i = 0; i < calls; i++) { start = Cpu(); action(); warm.Add(Cpu() - start); }
                warm.Sort();
                Console.WriteLine($"phase {name}={F(first)} {F(warm[warm.Count / 2])}");
                return warm[warm.Count / 2];
            }
            ResolvedGraph graph = null!;
            Phase("read deps.json + project.assets.json (ResolvedGraph.Read, the SBOM's edges included; warm: compared with the kept bytes, not parsed)", () => graph = ResolvedGraph.Read(request.DepsFilePath, request.AssetsFilePath));
            Phase("parse the version (NuGetVersion.TryParse: loads NuGet.Versioning)", () => NuGetVersion.TryParse(request.PackageVersion, out _));
            Phase($"restore sources of {graph.Packages.Count} packages (ResolvedGraph.FindRestoreSource: .nupkg.metadata)", () => { foreach (var p in graph.Packages) graph.FindRestoreSource(p); });
            var manifest = new FunctionPackage.Model.FunctionManifest { Id = request.PackageId, Version = request.PackageVersion };
            foreach (var p in graph.Packages)
                manifest.Dependencies.Add(new FunctionPackage.Model.DependencyDefinition { Id = p.Id, Version = p.Version, Sha512 = p.Sha512, Path = p.Path });
            Phase($"hash {request.OwnFiles.Count} own files (SHA-512; the work itself: a warm Write reuses the hash of equal bytes)", () =>
            {
                manifest.Files.Clear();
                foreach (var file in request.OwnFiles)
                    manifest.Files.Add(new FunctionPackage.Model.FileEntry { Path = "function/" + file.RelativePath, Sha512 = FunctionPackage.Model.ContentHash.Sha512File(publish + file.RelativePath) });
            });
            byte[] sbom = null!;
            Phase("SBOM (CycloneDxSbom.Create; the work itself: a warm Write reuses the SBOM of an equal manifest and graph)", () => sbom = CycloneDxSbom.Create(manifest, graph.Edges));
            byte[] manifestBytes = null!;
            Phase("function.json (FunctionManifestSerializer.Serialize)", () => manifestBytes = FunctionPackage.Model.FunctionManifestSerializer.Serialize(manifest));
            var content = new NupkgContent(
                request.PackageId, NuGetVersion.Parse(request.PackageVersion), "d", new[] { request.PackageId }, request.TargetFramework,
                manifest.Dependencies.Select(d => new NupkgDependency(d.Id, NuGetVersion.Parse(d.Version))).ToList(),
                new[] { new NupkgFile("function.json", Bytes: manifestBytes), new NupkgFile("sbom.cdx.json", Bytes: sbom) }
                    .Concat(request.OwnFiles.Select(f => new NupkgFile("function/" + f.RelativePath, Bytes: File.ReadAllBytes(publish + f.RelativePath)))).ToList());
            Phase("encode the .nupkg to memory (NupkgWriter.Write: nuspec, deflate; files in memory as the writer passes them, warm: deflated entries from the node's cache)", () => NupkgWriter.Write(new MemoryStream(), content));
            var whole = Phase("whole FunctionPackageWriter.Write, to a file (output deleted before each call)",
                () => { if (File.Exists(request.OutputPath)) File.Delete(request.OutputPath); new FunctionPackageWriter().Write(request); });
            Console.WriteLine($"warm_median_cpu_ms={F(whole)}");
            return;
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
