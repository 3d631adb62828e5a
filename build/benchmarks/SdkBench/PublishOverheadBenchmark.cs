using System.Globalization;
using System.Text;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// Target 1: a warm, no-op `dotnet publish -p:FunctionPackage=true` costs at most 5% more than the same publish
/// without it. A and B run interleaved on the same project after warm-up; medians of wall time are compared.
/// </summary>
public sealed class PublishOverheadBenchmark
{
    public const double Target = 1.05;

    private readonly InventoryWorkspace _inventory;
    private readonly DotnetRunner _runner;
    private readonly int _runs;

    private readonly int _warmupRounds;

    /// <param name="warmupRounds">A B rounds before timing: 2 when measuring (the first compiles and packages), 1 in a smoke run.</param>
    public PublishOverheadBenchmark(InventoryWorkspace inventory, DotnetRunner runner, int runs, int warmupRounds = 2)
    {
        _inventory = inventory;
        _runner = runner;
        _runs = runs;
        _warmupRounds = warmupRounds;
    }

    public static readonly string[] Plain = { "publish", InventoryWorkspace.ProjectRelativePath, "-c", "Release", "-nologo", "-p:UseSharedCompilation=false" };
    public static readonly string[] Packaged = Plain.Append("-p:FunctionPackage=true").ToArray();

    public string Run()
    {
        _inventory.EnsureReady();
        Console.WriteLine($"==> Publish overhead: warm-up ({string.Join(" ", Enumerable.Repeat("A B", _warmupRounds))})");
        for (var i = 0; i < _warmupRounds; i++)
        {
            _runner.Run(_inventory.Root, Plain);
            _runner.Run(_inventory.Root, Packaged);
        }

        var loadBefore = Machine.LoadAverage();
        var assemblyTime = File.GetLastWriteTimeUtc(_inventory.IntermediateAssembly);
        var packageTime = File.GetLastWriteTimeUtc(_inventory.ReferencePackage);
        var plain = new List<double>();
        var packaged = new List<double>();
        for (var round = 1; round <= _runs; round++)
        {
            plain.Add(_runner.Run(_inventory.Root, Plain).Elapsed.TotalMilliseconds);
            packaged.Add(_runner.Run(_inventory.Root, Packaged).Elapsed.TotalMilliseconds);
            Console.WriteLine($"    round {round}/{_runs}: A {plain[^1]:F0} ms, B {packaged[^1]:F0} ms");
        }
        var noOp = File.GetLastWriteTimeUtc(_inventory.IntermediateAssembly) == assemblyTime
                   && File.GetLastWriteTimeUtc(_inventory.ReferencePackage) == packageTime;

        var loadAfter = Machine.LoadAverage();
        var medianA = Statistics.Median(plain);
        var medianB = Statistics.Median(packaged);
        var ratio = medianB / medianA;

        var md = new StringBuilder();
        md.AppendLine("### 1. Warm incremental publish: `-p:FunctionPackage=true` vs plain (target: ratio ≤ 1.05)");
        md.AppendLine();
        md.AppendLine($"A copy of `samples/Inventory` (the largest sample) in `$WORK/inventory`, restored once. Commands, run in `$WORK/inventory`:");
        md.AppendLine();
        md.AppendLine($"- A: `dotnet {DotnetRunner.Format(Plain)}`");
        md.AppendLine($"- B: `dotnet {DotnetRunner.Format(Packaged)}`");
        md.AppendLine();
        md.AppendLine("\"Warm incremental\" here: two warm-up rounds (A B A B; the first compiles and packages), then no source " +
                      $"change at all, so every timed run is a no-op publish (implicit restore included, as a user runs it). {_runs} timed " +
                      "rounds, interleaved A B A B …; wall time of the whole `dotnet` process; medians compared. " +
                      $"`obj/Release/net10.0/Inventory.dll` and the `.nupkg` were {(noOp ? "not rewritten by any timed run (true no-ops)" : "REWRITTEN during the timed runs (not a pure no-op; see the logs)")}.");
        md.AppendLine();
        md.AppendLine($"Load average (1/5/15 min, `/proc/loadavg`) before the timed rounds: {loadBefore}; after: {loadAfter}.");
        md.AppendLine();
        md.AppendLine("| round | A plain (ms) | B FunctionPackage=true (ms) |");
        md.AppendLine("|---:|---:|---:|");
        for (var i = 0; i < plain.Count; i++) md.AppendLine($"| {i + 1} | {plain[i]:F0} | {packaged[i]:F0} |");
        md.AppendLine($"| **median** | **{medianA:F0}** | **{medianB:F0}** |");
        md.AppendLine($"| min / max | {plain.Min():F0} / {plain.Max():F0} | {packaged.Min():F0} / {packaged.Max():F0} |");
        md.AppendLine();
        md.AppendLine($"Ratio B/A of medians: **{ratio.ToString("F3", CultureInfo.InvariantCulture)}** (B − A = {medianB - medianA:F0} ms) — " +
                      (ratio <= Target ? "target met." : "**target missed.**"));
        md.AppendLine();
        return md.ToString();
    }
}
