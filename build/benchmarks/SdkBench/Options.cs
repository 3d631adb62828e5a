namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>Command line of the driver; `--help` prints <see cref="Usage"/>.</summary>
public sealed class Options
{
    public const string Usage = """
        SdkBench: the FunctionPackage.Sdk benchmarks (normally run through build/bench-sdk.sh).

        Usage: SdkBench --repo <dir> --work <dir> [options]

          --repo <dir>             repository root (artifacts/feed must hold FunctionPackage.Sdk.<version>.nupkg)
          --work <dir>             scratch directory outside the repository (projects, feeds, packages, logs)
          --runs <n>               timed rounds of the publish comparison, A and B interleaved (default 7, min 7)
          --packaging-runs <n>     timed packaging runs per size (default 5, min 5)
          --sizes <list>           packaging sizes as packages/projects, comma separated (default 0/0,75/5,150/10,300/20)
          --only <list>            any of publish,packaging,size (default: all three)
          --doc <file>             replace the `sdk` section of this markdown file (default: print the section)
          --smoke                  one round of everything at the smallest sizes (0/0 and 5/1): proves the driver works (CI)
          -h, --help               show this help

        Exit codes: 0 measured (targets met or not: the report says), 1 a command failed, 2 bad arguments.
        """;

    public string Repo { get; private set; } = "";
    public string Work { get; private set; } = "";
    public int Runs { get; private set; } = 7;
    public int PackagingRuns { get; private set; } = 5;
    public List<(int Packages, int Projects)> Sizes { get; private set; } = new() { (0, 0), (75, 5), (150, 10), (300, 20) };
    public HashSet<string> Only { get; private set; } = new(StringComparer.OrdinalIgnoreCase) { "publish", "packaging", "size" };
    public string? Doc { get; private set; }
    public bool Help { get; private set; }
    /// <summary>Numbers are meaningless; only "it still runs" counts (build/test.sh runs this).</summary>
    public bool Smoke { get; private set; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad argument.</summary>
    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "-h": case "--help": case "-?": options.Help = true; break;
                case "--repo": options.Repo = Path.GetFullPath(Value()); break;
                case "--work": options.Work = Path.GetFullPath(Value()); break;
                case "--runs": options.Runs = ParseCount(args[i], Value(), 7); break;
                case "--packaging-runs": options.PackagingRuns = ParseCount(args[i], Value(), 5); break;
                case "--doc": options.Doc = Path.GetFullPath(Value()); break;
                case "--smoke": options.Smoke = true; break;
                case "--sizes":
                    options.Sizes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseSize).ToList();
                    break;
                case "--only":
                    options.Only = new HashSet<string>(Value().Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
                    var unknown = options.Only.Except(new[] { "publish", "packaging", "size" }, StringComparer.OrdinalIgnoreCase).ToList();
                    if (unknown.Count > 0) throw new ArgumentException($"--only: unknown benchmark '{string.Join(",", unknown)}'; use publish, packaging or size.");
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. See --help.");
            }
        }
        if (options.Help) return options;
        if (options.Smoke)
        {
            // Below the measuring minimums on purpose: a smoke run proves the code paths, it measures nothing.
            if (options.Doc is not null) throw new ArgumentException("--smoke measures nothing: it never writes --doc.");
            options.Runs = 1;
            options.PackagingRuns = 1;
            options.Sizes = new() { (0, 0), (Generator.ChainLength, 1) };
        }
        if (options.Repo.Length == 0 || options.Work.Length == 0) throw new ArgumentException("--repo and --work are required. See --help.");
        return options;
    }

    private static int ParseCount(string name, string value, int minimum)
        => int.TryParse(value, out var n) && n >= minimum ? n : throw new ArgumentException($"{name} must be a whole number >= {minimum}.");

    private static (int, int) ParseSize(string value)
    {
        var parts = value.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var p) && int.TryParse(parts[1], out var m) && p >= 0 && m >= 0 && p % Generator.ChainLength == 0)
            return (p, m);
        throw new ArgumentException($"--sizes: '{value}' is not packages/projects with packages a multiple of {Generator.ChainLength}.");
    }
}
