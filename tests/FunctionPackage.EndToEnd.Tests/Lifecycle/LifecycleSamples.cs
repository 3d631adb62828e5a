using System.Runtime.CompilerServices;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.EndToEnd.Tests.Support.FunctionProjects;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>A sample published as a function package, pushed to <see cref="LifecycleSamples.FunctionFeed"/>.</summary>
/// <param name="PackagePath">The .nupkg the SDK wrote.</param>
/// <param name="PublishDirectory">The <c>dotnet publish</c> folder it was built from.</param>
/// <param name="DependencyPackages">The original .nupkg of every pinned dependency, as restore downloaded them.</param>
public sealed record PublishedFunction(
    string Id,
    string Version,
    string PackagePath,
    string PublishDirectory,
    FunctionManifest Manifest,
    IReadOnlyList<string> DependencyPackages)
{
    public string IdAtVersion => $"{Id}@{Version}";

    /// <summary><c>&lt;root&gt;/functions/&lt;lower id&gt;/&lt;lower version&gt;</c>: where fnpkg installs it.</summary>
    public string FunctionDirectory(string root) => Path.Combine(root, "functions", Id.ToLowerInvariant(), Version.ToLowerInvariant());

    /// <summary><c>source</c> of the response events: <c>/functions/&lt;id&gt;/&lt;version&gt;</c>.</summary>
    public string ResponseSource => $"/functions/{Id}/{Version}";
}

/// <summary>
/// The samples (Hello, Orders + Orders.Pricing, Inventory, WordCount) copied once and each published at most once per test run
/// (lazily, so a filtered run publishes only what it uses), shared by every Lifecycle test class:
/// <list type="bullet">
/// <item><see cref="FunctionFeed"/>: a folder feed the function packages are pushed to with <c>dotnet nuget push</c>;</item>
/// <item><see cref="DependencyFeed"/>: a folder feed holding the original .nupkg of every dependency, copied from the
/// run's global packages folder (what restore downloaded), so installs need no network.</item>
/// </list>
/// </summary>
public sealed class LifecycleSamples
{
    private static readonly ConditionalWeakTable<EndToEndEnvironment, LifecycleSamples> Instances = new();

    private readonly EndToEndEnvironment _env;
    private readonly Lazy<string> _samplesFolder;
    private readonly Dictionary<string, PublishedFunction> _published = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    private LifecycleSamples(EndToEndEnvironment env)
    {
        _env = env;
        _samplesFolder = new Lazy<string>(() => env.CopySamples("lifecycle-samples", "Hello", "Orders", "Orders.Pricing", "Inventory", "WordCount"));
        FunctionFeed = env.NewFolder("lifecycle-function-feed");
        DependencyFeed = env.NewFolder("lifecycle-dependency-feed");
    }

    public static LifecycleSamples For(EndToEndEnvironment env) => Instances.GetValue(env, e => new LifecycleSamples(e));

    public string FunctionFeed { get; }

    public string DependencyFeed { get; }

    public PublishedFunction Hello => Get("Hello");

    public PublishedFunction Orders => Get("Orders");

    public PublishedFunction Inventory => Get("Inventory");

    /// <summary>The F# sample: its FSharp.Core comes from the .NET SDK's library packs (a local folder).</summary>
    public PublishedFunction WordCount => Get("WordCount");

    /// <summary>
    /// Orders published again with <c>FunctionPackageDependencyMode=Embed</c> into its own output folder (same id and
    /// version as <see cref="Orders"/>, so it is never pushed to the shared feed).
    /// </summary>
    public PublishedFunction OrdersEmbedded => Get("Orders", embed: true);

    /// <summary>The four samples' names, as a Theory's data (<c>[MemberData]</c>); <see cref="WithAnswers"/> turns one into its function and answers.</summary>
    public static IEnumerable<object[]> Names() => new[] { new object[] { "Hello" }, new object[] { "Orders" }, new object[] { "Inventory" }, new object[] { "WordCount" } };

    public (PublishedFunction Function, SampleAnswers Answers) WithAnswers(string name) => name switch
    {
        "Hello" => (Hello, SampleAnswers.Hello),
        "Orders" => (Orders, SampleAnswers.Orders),
        "Inventory" => (Inventory, SampleAnswers.Inventory),
        "WordCount" => (WordCount, SampleAnswers.WordCount),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a lifecycle sample"),
    };

    private PublishedFunction Get(string sample, bool embed = false)
    {
        lock (_gate)
        {
            var key = embed ? sample + "+embed" : sample;
            if (_published.TryGetValue(key, out var published)) return published;
            published = PublishAndPush(sample, embed);
            _published[key] = published;
            return published;
        }
    }

    private PublishedFunction PublishAndPush(string sample, bool embed)
    {
        // The one project file of the sample: .csproj or, for the F# sample, .fsproj.
        var project = ProjectCreator.Load(Assert.Single(Directory.GetFiles(Path.Combine(_samplesFolder.Value, sample), sample + ".*proj")));
        var properties = embed
            ? FunctionProjects.Publish(("FunctionPackageDependencyMode", "Embed"), ("FunctionPackageOutputPath", Path.Combine(project.Directory, "bin", "embed") + "/"))
            : FunctionProjects.Publish();
        project.TryPublish(properties, out var result, out var output);
        Assert.True(result, output.GetConsoleLog());
        var packagePath = PrintedPackagePath(output, sample);

        FunctionManifest manifest;
        using (var archive = new FunctionPackageArchive(packagePath)) manifest = archive.ReadManifest();
        Assert.Equal(embed ? FunctionPackageFormat.EmbedMode : FunctionPackageFormat.ReferenceMode, manifest.DependencyMode);

        var dependencies = new List<string>();
        foreach (var dependency in manifest.Dependencies)
        {
            var fileName = $"{dependency.Id.ToLowerInvariant()}.{dependency.Version.ToLowerInvariant()}.nupkg";
            var restored = Path.Combine(_env.Repository.PackagesFolder, dependency.Path, fileName);
            Assert.True(File.Exists(restored), $"{dependency.Id} {dependency.Version} is not in the run's packages folder at {restored}.");
            var copy = Path.Combine(DependencyFeed, fileName);
            if (!File.Exists(copy)) File.Copy(restored, copy);
            dependencies.Add(copy);
        }

        if (!embed)
        {
            var push = DotNetCli.Run(new[] { "nuget", "push", packagePath, "--source", FunctionFeed }, _env.Root.Path, TimeSpan.FromMinutes(2));
            Assert.True(push.Succeeded, push.GetConsoleLog());
        }

        return new PublishedFunction(manifest.Id, manifest.Version, packagePath,
            Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish"), manifest, dependencies);
    }
}
