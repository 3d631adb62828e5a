using System.Text.Json;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using Xunit.Sdk;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The whole lifecycle with the real tools: <c>dotnet publish -p:FunctionPackage=true</c> → <c>dotnet nuget push</c> →
/// <c>fnpkg install Id@Version</c> into an empty root → <c>fnpkg run</c> (the host) → CloudEvents over HTTP in every mode →
/// SIGTERM. Dependencies come from a local folder feed filled from the run's packages folder (no network), or from a
/// static HTTP v3 feed on 127.0.0.1.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServeLifecycleTests
{
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;

    public ServeLifecycleTests(EndToEndEnvironment env)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
    }

    [Fact]
    public Task Hello_pushed_to_a_folder_feed_installs_and_answers_every_CloudEvents_mode()
        => ServeFromFolderFeeds(_samples.Hello, SampleAnswers.Hello, "hello");

    [Fact]
    public Task Orders_reads_its_data_file_through_its_project_reference_and_a_shared_dependency()
        => ServeFromFolderFeeds(_samples.Orders, SampleAnswers.Orders, "orders");

    [Fact]
    public Task Inventory_loads_native_sqlite_and_the_french_satellite_from_the_shared_packages_folder()
        => ServeFromFolderFeeds(_samples.Inventory, SampleAnswers.Inventory, "inventory");

    [Fact]
    public async Task Orders_installs_from_a_static_http_v3_feed_holding_the_function_and_its_dependencies()
    {
        var orders = _samples.Orders;
        using var feed = StaticNuGetFeed.Start(new[] { orders.PackagePath }.Concat(orders.DependencyPackages).ToArray());
        var root = _env.NewFolder("orders-http-root");

        string log;
        using (var server = await ServedFunction.StartAsync(_env.Root.Path, orders.IdAtVersion, root, new[] { feed.IndexUrl }))
        {
            await AssertEveryMode(server, orders, SampleAnswers.Orders);
            await server.StopAsync();
            log = server.Log;
        }

        // Both the function package and its pinned dependency came over HTTP.
        var requests = feed.Requests;
        Assert.True(requests.Contains("/flat/orders/1.0.0/orders.1.0.0.nupkg"), $"The function package was not downloaded from the feed: {string.Join(", ", requests)}\n{log}");
        Assert.True(requests.Contains("/flat/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg"), $"The dependency was not downloaded from the feed: {string.Join(", ", requests)}\n{log}");
        AssertInstalled(orders, root, log);
    }

    private async Task ServeFromFolderFeeds(PublishedFunction function, SampleAnswers answers, string label)
    {
        var root = _env.NewFolder(label + "-root");
        Assert.Empty(Directory.GetFileSystemEntries(root));

        var install = Fnpkg.Run(_env.Root.Path, "install", function.IdAtVersion, "--root", root, "--source", _samples.FunctionFeed, "--source", _samples.DependencyFeed);
        Assert.True(install.Succeeded, install.Log);
        Assert.Equal(function.FunctionDirectory(root) + "\n", install.Stdout);

        // Installed id@version is immutable: run starts the host without asking any feed (none is reachable here).
        using (var server = await ServedFunction.StartAsync(_env.Root.Path, function.IdAtVersion, root, new[] { Fnpkg.UnreachableSource }))
        {
            await AssertEveryMode(server, function, answers);
            await server.StopAsync();
        }
        AssertInstalled(function, root, install.Log);
    }

    /// <summary>Binary, structured, batch (two events, answered in order) and a plain application/json POST.</summary>
    private static async Task AssertEveryMode(ServedFunction server, PublishedFunction function, SampleAnswers answers)
    {
        const string type = "com.example.lifecycle";

        var binary = await server.PostBinaryAsync(type, "urn:lifecycle:binary", answers.First);
        Check(server, binary.Data, () =>
        {
            binary.AssertResponseTo(type, function);
            answers.CheckFirst(binary.Data, "urn:lifecycle:binary");
        });

        var structured = await server.PostStructuredAsync(type, "urn:lifecycle:structured", answers.First);
        Check(server, structured.Data, () =>
        {
            structured.AssertResponseTo(type, function);
            answers.CheckFirst(structured.Data, "urn:lifecycle:structured");
        });

        var batch = await server.PostBatchAsync(type, ("urn:lifecycle:batch/1", answers.First), ("urn:lifecycle:batch/2", answers.Second));
        Assert.True(batch.Count == 2, $"A batch of two events got {batch.Count} replies.\n{server.Log}");
        Check(server, batch[0].Data, () =>
        {
            batch[0].AssertResponseTo(type, function);
            answers.CheckFirst(batch[0].Data, "urn:lifecycle:batch/1");
        });
        Check(server, batch[1].Data, () =>
        {
            batch[1].AssertResponseTo(type, function);
            answers.CheckSecond(batch[1].Data, "urn:lifecycle:batch/2");
        });
        Assert.NotEqual(batch[0].Id, batch[1].Id);

        var plain = await server.PostPlainJsonAsync(answers.Second);
        Check(server, plain, () => answers.CheckSecond(plain, SampleAnswers.PlainRequestSource));
    }

    /// <summary>The root holds exactly the function (with its receipt) and each dependency, complete.</summary>
    private static void AssertInstalled(PublishedFunction function, string root, string log)
    {
        var directory = function.FunctionDirectory(root);
        Assert.True(File.Exists(Path.Combine(directory, "install.json")), $"{directory}/install.json is missing.\n{log}");
        Assert.True(File.Exists(Path.Combine(directory, "function", function.Manifest.EntryPoint.Assembly)), $"The entry assembly is not in {directory}/function.\n{log}");
        foreach (var dependency in function.Manifest.Dependencies)
        {
            var metadata = Path.Combine(root, "packages", dependency.Path, ".nupkg.metadata");
            Assert.True(File.Exists(metadata), $"{dependency.Id} {dependency.Version} is not complete in the packages folder ({metadata}).\n{log}");
        }
        var staging = Path.Combine(root, ".staging");
        var leftovers = Directory.Exists(staging) ? Directory.GetFileSystemEntries(staging) : Array.Empty<string>();
        Assert.True(leftovers.Length == 0, $"Staging leftovers after a complete install: {string.Join(", ", leftovers)}\n{log}");
    }

    /// <summary>Runs the checks of one answer; a failure also prints the answer and the server's output.</summary>
    internal static void Check(ServedFunction server, JsonElement answer, Action checks)
    {
        try
        {
            checks();
        }
        catch (XunitException ex)
        {
            throw new XunitException($"{ex.Message}\nanswer: {answer}\n{server.Log}");
        }
    }
}
