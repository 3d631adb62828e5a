using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using FunctionPackage.Benchmarks.Sdk;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

var version = ReadSdkVersion(options.Repo);
var feedPackage = Path.Combine(options.Repo, "artifacts", "feed", $"FunctionPackage.Sdk.{version}.nupkg");
if (!File.Exists(feedPackage))
{
    Console.Error.WriteLine($"{feedPackage} is missing: run build/pack.sh first.");
    return 2;
}

try
{
    Directory.CreateDirectory(options.Work);
    var runner = new DotnetRunner(Path.Combine(options.Work, "logs"));
    var inventory = new InventoryWorkspace(options.Repo, options.Work, runner);
    var total = Stopwatch.StartNew();
    var sections = new List<string>();
    if (options.Only.Contains("publish")) sections.Add(new PublishOverheadBenchmark(inventory, runner, options.Runs, options.Smoke ? 1 : 2).Run());
    if (options.Only.Contains("packaging")) sections.Add(new PackagingBenchmark(options.Repo, options.Work, runner, options.PackagingRuns, options.Sizes).Run(version));
    if (options.Only.Contains("size")) sections.Add(new SizeBenchmark(inventory, runner, options.Work).Run());
    total.Stop();

    var section = Header(version, total.Elapsed) + string.Join("", sections);
    if (options.Smoke)
    {
        Console.WriteLine($"==> Smoke run passed in {total.Elapsed.TotalSeconds:F0} s (one round, sizes 0/0 and {Generator.ChainLength}/1; nothing written)");
    }
    else if (options.Doc is null)
    {
        Console.WriteLine(section);
    }
    else
    {
        MarkdownSection.Replace(options.Doc, "sdk", section);
        Console.WriteLine($"==> Wrote the sdk section of {options.Doc} ({total.Elapsed.TotalSeconds:F0} s)");
    }
    return 0;
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

static string ReadSdkVersion(string repo)
{
    var props = File.ReadAllText(Path.Combine(repo, "build", "FunctionPackage.Version.props"));
    var match = System.Text.RegularExpressions.Regex.Match(props, @"<FunctionPackageSdkVersion[^>]*>([^<]+)</FunctionPackageSdkVersion>");
    return match.Success ? match.Groups[1].Value.Trim() : throw new InvalidOperationException("No FunctionPackageSdkVersion in build/FunctionPackage.Version.props.");
}

static string Header(string version, TimeSpan elapsed)
{
    var md = new StringBuilder();
    md.AppendLine("## SDK: publish overhead, packaging time, package size");
    md.AppendLine();
    md.AppendLine("Written by `build/bench-sdk.sh` (driver: `build/benchmarks/SdkBench`); rerun it to refresh this section. " +
                  $"Measured FunctionPackage.Sdk {version} from `artifacts/feed`.");
    md.AppendLine();
    md.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; whole run {elapsed.TotalMinutes:F1} min");
    md.AppendLine($"- Machine: `nproc` = {Shell("nproc")}, `dotnet --version` = {DotnetRunner.Capture("--version")}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}; " +
                  "shared with other builds, so single runs are noisy: medians are what count");
    md.AppendLine("- Every `dotnet` command ran with " + string.Join(" ", DotnetRunner.Environment.Select(e => $"`{e.Key}={e.Value}`")) +
                  " (the same for A and B: no MSBuild node reuse, no MSBuild server) and `-p:UseSharedCompilation=false` (no compiler server left running)");
    md.AppendLine("- `$WORK` is a fresh temporary directory outside the repository with its own `Directory.Build.props`, `NuGet.config` " +
                  "(`FunctionPackage.*` from `artifacts/feed`, generated `BenchPkg*` from an http feed on loopback, the rest from nuget.org) and packages folder");
    md.AppendLine();
    return md.ToString();
}

static string Shell(string command)
{
    try
    {
        using var process = Process.Start(new ProcessStartInfo(command) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
