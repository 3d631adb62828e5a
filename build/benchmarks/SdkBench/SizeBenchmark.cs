using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// Target 3: a reference-mode function package of the largest sample is at most 10% of a zip of its publish
/// folder (what a zip-deploying platform uploads). Embed mode is reported for reference.
/// </summary>
public sealed class SizeBenchmark
{
    public const double Target = 0.10;

    private readonly InventoryWorkspace _inventory;
    private readonly DotnetRunner _runner;
    private readonly string _work;

    public SizeBenchmark(InventoryWorkspace inventory, DotnetRunner runner, string work)
    {
        _inventory = inventory;
        _runner = runner;
        _work = work;
    }

    public string Run()
    {
        _inventory.EnsureReady();
        Console.WriteLine("==> Package size: reference and embed packages, zip of the publish folder");
        _runner.Run(_inventory.Root, PublishOverheadBenchmark.Packaged);
        var embedDirectory = Path.Combine(_work, "embed");
        var embedArgs = PublishOverheadBenchmark.Packaged
            .Concat(new[] { "-p:FunctionPackageDependencyMode=Embed", $"-p:FunctionPackageOutputPath={embedDirectory}/" }).ToArray();
        _runner.Run(_inventory.Root, embedArgs);
        var embedPackage = Path.Combine(embedDirectory, "Inventory.1.0.0.nupkg");

        var zipPath = Path.Combine(_work, "publish.zip");
        File.Delete(zipPath);
        ZipFile.CreateFromDirectory(_inventory.PublishDirectory, zipPath, CompressionLevel.Optimal, includeBaseDirectory: false);

        var publishFiles = Directory.GetFiles(_inventory.PublishDirectory, "*", SearchOption.AllDirectories);
        var publishBytes = publishFiles.Sum(f => new FileInfo(f).Length);
        var zipBytes = new FileInfo(zipPath).Length;
        var referenceBytes = new FileInfo(_inventory.ReferencePackage).Length;
        var embedBytes = new FileInfo(embedPackage).Length;
        var ratio = (double)referenceBytes / zipBytes;

        string Row(string what, long bytes) => $"| {what} | {bytes.ToString("N0", CultureInfo.InvariantCulture)} | {(bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture)} | {((double)bytes / zipBytes).ToString("P2", CultureInfo.InvariantCulture)} |";

        var md = new StringBuilder();
        md.AppendLine("### 3. Package size of the largest sample (target: reference mode ≤ 10% of a zip of the publish folder)");
        md.AppendLine();
        md.AppendLine("Same `$WORK/inventory` copy of `samples/Inventory`:");
        md.AppendLine();
        md.AppendLine($"- reference package: `dotnet {DotnetRunner.Format(PublishOverheadBenchmark.Packaged)}` → `Inventory/bin/Release/functionpackage/Inventory.1.0.0.nupkg`");
        md.AppendLine($"- embed package: `dotnet {DotnetRunner.Format(embedArgs).Replace(_work, "$WORK")}`");
        md.AppendLine("- publish zip: `System.IO.Compression.ZipFile.CreateFromDirectory(\"Inventory/bin/Release/net10.0/publish\", zip, CompressionLevel.Optimal, includeBaseDirectory: false)` " +
                      "(deflate, comparable to `cd publish && zip -qr -X`)");
        md.AppendLine();
        md.AppendLine("| artifact | bytes | KiB | of publish zip |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(Row($"publish folder, uncompressed ({publishFiles.Length} files)", publishBytes));
        md.AppendLine(Row("**publish folder zip**", zipBytes));
        md.AppendLine(Row("**reference-mode package**", referenceBytes));
        md.AppendLine(Row("embed-mode package (dependencies' .nupkg files inside)", embedBytes));
        md.AppendLine();
        md.AppendLine($"Reference / zip: **{ratio.ToString("P2", CultureInfo.InvariantCulture)}** — " + (ratio <= Target ? "target met." : "**target missed.**"));
        md.AppendLine();
        return md.ToString();
    }
}
