using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FunctionPackage.Benchmarks.Protocols;

/// <summary>
/// The body of the `protocols` section of docs/benchmarks.md (bench-protocols.sh puts the title and the common header
/// lines, build/common.sh bench_header_lines, above it): what was run, the cold starts, the ratios and the sizes.
/// </summary>
internal sealed class Report(string work, string registry, IReadOnlyList<ProtocolResult> results)
{
    private const double Target = 1.2;

    public string Markdown()
    {
        var text = new StringBuilder();
        void W(string line = "") => text.Append(line).Append('\n');
        W("- Function: `samples/Inventory` (SQLite natives, the Humanizer `fr` satellite), packaged with `dotnet publish -p:FunctionPackage=true` as `build/bench-export.sh` does; "
          + "every answer checked (`{\"sku\":\"APPLE\"}` → `Pomme`, 120, `1 heure, 30 minutes`)");
        W("- Each baseline in `tests/Benchmarks/` speaks the protocol itself and calls `Inventory.StockHandler::HandleAsync` directly (a `ProjectReference` to the same copy of the sample)");
        W($"- Driver: `build/benchmarks/ProtocolBench` with the tests' fakes: `LambdaEmulator`, `FakeAzureFunctionsHost`, `OpenWhiskInvoker`; one untimed start of each side first, then {results[0].Export.Count} interleaved starts per side");
        W();
        W("| protocol | how each side is started | the first answer |");
        W("|---|---|---|");
        W("| aws-lambda (dotnet10, executable assembly) | the zip unpacked as Lambda does; `dotnet exec <task>/<handler>.dll` with the Lambda environment (`LambdaEmulator.Configure`); export handler `FunctionPackage.Host`, baseline `LambdaBaseline` (`dotnet publish -r linux-x64 --self-contained false`, zipped) | the emulator's invoke endpoint answers 200 with the result |");
        W("| azure-functions (self-contained: the export's default, linux-x64) | `FakeAzureFunctionsHost` on a plan without .NET (PATH without `dotnet`, no `DOTNET_*`): `host.json`'s `customHandler.description`, `local.settings.json`, `FUNCTIONS_CUSTOMHANDLER_PORT`, waits for the port (20 ms polls), starts its front end; export `fnpkg export --target azure-functions` (its apphost, .NET from the runtime packs, the ReadyToRun host), baseline `dotnet publish` of `AzureBaseline` with `-r linux-x64 --self-contained true` (its apphost) beside a copy of the export's `function.json` and `local.settings.json` | a caller's `POST /Inventory` through the fake host's front end (payload mode) |");
        W("| azure-functions (framework-dependent, -r linux-x64) | the same fake on a plan with .NET (this machine's `dotnet` on PATH); export `--framework-dependent -r linux-x64` (`dotnet exec` of the ReadyToRun host, linux-x64 assets only), baseline `dotnet publish` of `AzureBaseline` with `-r linux-x64 --self-contained false`, started with `dotnet` | the same |");
        W("| azure-functions (framework-dependent, any plan) | the same; export `--framework-dependent` (`dotnet exec` of the IL host, every RID's assets), baseline `dotnet publish` of `AzureBaseline` (no RID), started with `dotnet` | the same |");
        W("| openwhisk (docker action) | `podman run -d --network host -e PORT=<free> -e DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY=false <image>`; export `fnpkg export --target openwhisk`, baseline `OpenWhiskBaseline` via `dotnet publish -t:PublishContainer`, both onto the same base image (the OCI tests' own, `tests/Benchmarks/TestBaseImage`), pulled first | `OpenWhiskInvoker`: `/init` (polled every 20 ms) then `/run` answers 200 |");
        W();
        W("### Cold start to the first answer (target: export ≤ 1.2× the baseline)");
        W();
        W("Wall time from the process (container) start to the checked answer; CPU = user+sys of the started process, from `getrusage(RUSAGE_CHILDREN)` after it is reaped (not for podman: the container is not the driver's child).");
        W();
        W("| protocol | export median | baseline median | **ratio** | CPU export / baseline (ratio) | export min–max | baseline min–max | target |");
        W("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var ratio = r.Ratio(s => s.Wall);
            var cpuCell = r.HasCpu ? $"{r.Median(s => s.Cpu!.Value):0} / {r.Median(s => s.Cpu!.Value, baseline: true):0} ms ({r.Ratio(s => s.Cpu!.Value):0.00})" : "—";
            W($"| {r.Name} | {r.Median(s => s.Wall):0} ms | {r.Median(s => s.Wall, baseline: true):0} ms | **{ratio:0.00}** | {cpuCell} | "
              + $"{r.Export.Min(s => s.Wall):0}–{r.Export.Max(s => s.Wall):0} ms | {r.Baseline.Min(s => s.Wall):0}–{r.Baseline.Max(s => s.Wall):0} ms | {(ratio <= Target ? "**met**" : "**not met**")} |");
        }
        W();
        W("Every start, in order (wall ms; CPU ms in brackets):");
        W();
        W("| protocol | start | export | baseline |");
        W("|---|---:|---:|---:|");
        foreach (var r in results)
        {
            for (var i = 0; i < r.Export.Count; i++) W($"| {r.Name} | {i + 1} | {r.Export[i]} | {r.Baseline[i]} |");
        }
        W();
        W("### Sizes");
        W();
        W("| artifact | fnpkg export | baseline |");
        W("|---|---:|---:|");
        W($"| aws-lambda zip (dotnet10) | {Kib(FileSize("lambda/export.zip"))} | {Kib(FileSize("lambda/baseline.zip"))} |");
        W($"| aws-lambda unpacked (`/var/task`) | {Kib(FolderSize("lambda/export-task"))} | {Kib(FolderSize("lambda/baseline-task"))} |");
        W($"| azure-functions app folder, self-contained | {Kib(FolderSize("azure-sc/export"))} | {Kib(FolderSize("azure-sc/baseline"))} |");
        W($"| azure-functions app folder, framework-dependent -r linux-x64 | {Kib(FolderSize("azure-fd-x64/export"))} | {Kib(FolderSize("azure-fd-x64/baseline"))} |");
        W($"| azure-functions app folder, framework-dependent | {Kib(FolderSize("azure/export"))} | {Kib(FolderSize("azure/baseline"))} |");
        W($"| azure-functions app zip, framework-dependent | {Kib(FileSize("azure/export.zip"))} | {Kib(FileSize("azure/baseline.zip"))} |");
        var baseLayers = Manifest(File.ReadAllText(Path.Combine(work, "base.ref")).Trim());
        var exportImage = Manifest(File.ReadAllText(Path.Combine(work, "openwhisk", "export.ref")).Trim());
        var baselineImage = Manifest(File.ReadAllText(Path.Combine(work, "openwhisk", "baseline.ref")).Trim());
        W($"| openwhisk image, compressed layers + config | {Kib(exportImage.Total)} | {Kib(baselineImage.Total)} |");
        W($"| openwhisk image beyond the base image | {Kib(exportImage.Beyond(baseLayers))} | {Kib(baselineImage.Beyond(baseLayers))} |");
        W();
        W($"The self-contained `provided.al2023` zip (`--self-contained -r linux-x64`): {File.ReadAllText(Path.Combine(work, "lambda", "al2023.txt")).Trim()}");
        W();
        return text.ToString();
    }

    private long FileSize(string relative) => new FileInfo(Path.Combine(work, relative)).Length;

    private long FolderSize(string relative) => Directory.EnumerateFiles(Path.Combine(work, relative), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static string Kib(long bytes) => (bytes / 1024.0).ToString("#,0.0", CultureInfo.InvariantCulture) + " KiB";

    private sealed record ImageSize(long Total, IReadOnlyDictionary<string, long> Layers)
    {
        public long Beyond(ImageSize image) => Total - Layers.Where(l => image.Layers.ContainsKey(l.Key)).Sum(l => l.Value);
    }

    /// <summary>The image's manifest from the loopback registry: each layer's compressed size, plus the config's.</summary>
    private ImageSize Manifest(string reference)
    {
        var (repository, tag) = Split(reference);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{registry}/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        using var response = http.Send(request);
        var body = response.Content.ReadAsStringAsync().Result;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {reference} manifest: {(int)response.StatusCode} {body}");
        var manifest = JsonDocument.Parse(body).RootElement;
        var layers = manifest.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("digest").GetString()!, l => l.GetProperty("size").GetInt64());
        return new ImageSize(layers.Values.Sum() + manifest.GetProperty("config").GetProperty("size").GetInt64(), layers);
    }

    /// <summary><c>host:port/repo[:tag|@digest]</c> → the repository and the tag or digest.</summary>
    private static (string Repository, string Reference) Split(string reference)
    {
        var path = reference[(reference.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var at = path.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) return (path[..at], path[(at + 1)..]);
        var colon = path.LastIndexOf(':');
        return (path[..colon], path[(colon + 1)..]);
    }
}
