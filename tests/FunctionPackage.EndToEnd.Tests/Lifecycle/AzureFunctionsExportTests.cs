using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using FunctionPackage.EndToEnd.Tests.Support;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// <c>fnpkg export --target azure-functions</c> with the real fnpkg, and the exported app run <b>as exported</b> by
/// <see cref="FakeAzureFunctionsHost"/> (its host.json, function.json and local.settings.json; the handler started as
/// host.json says): the default self-contained linux-x64 handler on a plan without .NET (no dotnet on PATH) — every
/// sample over the HTTP trigger, forwarding mode, a queue and an Event Grid trigger, a zip, a throwing handler, bad
/// data — and the <c>--framework-dependent</c> one on a plan with .NET; bad export input → coded errors and nothing written.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AzureFunctionsExportTests
{
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;

    public AzureFunctionsExportTests(EndToEndEnvironment env)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
        RuntimePackCache.UseWithLinuxX64Packs();
    }

    private CliRun Export(PublishedFunction function, string output, params string[] options)
    {
        var args = new List<string>
        {
            "export", function.IdAtVersion, "--target", "azure-functions", "-o", output,
            "--source", _samples.FunctionFeed, "--source", _samples.DependencyFeed,
        };
        args.AddRange(options);
        return Fnpkg.Run(_env.Root.Path, args);
    }

    private string Exported(PublishedFunction function, string name, params string[] options)
    {
        var output = Path.Combine(_env.NewFolder("azure-" + name), "app");
        var run = Export(function, output, options);
        Assert.True(run.Succeeded, run.Log);
        Assert.Contains("deploy (Azure Functions): cd " + output + " && func azure functionapp publish <app>", run.Stdout);
        Assert.Contains(options.Contains("--framework-dependent")
            ? "handler: dotnet exec fnpkg/host/FunctionPackage.Host.dll (framework-dependent"
            : "handler: fnpkg/host/FunctionPackage.Host (self-contained linux-x64, .NET ", run.Stdout);
        return output;
    }

    /// <summary>Every file of the app, relative to it with '/' separators.</summary>
    private static List<string> Files(string app) =>
        Directory.GetFiles(app, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(app, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    private static async Task<JsonElement> PostAsync(FakeAzureFunctionsHost host, string function, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await host.Callers.PostAsync(function, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST /{function}: {(int)response.StatusCode} {text}\n{host.Output}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(LifecycleSamples.Names), MemberType = typeof(LifecycleSamples))]
    public async Task Every_sample_answers_over_the_http_trigger_in_payload_mode_as_exported(string sample)
    {
        var (function, answers) = _samples.WithAnswers(sample);
        var app = Exported(function, sample.ToLowerInvariant(), "--trigger", "http", "--function-name", sample);
        // linux-x64: only the assets of linux-x64 and the RIDs it imports, and no .nupkg repeating the others.
        var files = Files(app);
        Assert.DoesNotContain(files, f => f.Contains("/runtimes/win", StringComparison.Ordinal) || f.Contains("/runtimes/osx", StringComparison.Ordinal)
            || f.Contains("/runtimes/linux-arm", StringComparison.Ordinal) || f.Contains("/runtimes/linux-musl", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.StartsWith("fnpkg/packages/", StringComparison.Ordinal) && f.EndsWith(".nupkg", StringComparison.Ordinal));
        if (sample == "Inventory") Assert.Contains(files, f => f.StartsWith("fnpkg/packages/sqlitepclraw.lib.e_sqlite3/", StringComparison.Ordinal) && f.EndsWith("/runtimes/linux-x64/native/libe_sqlite3.so", StringComparison.Ordinal));

        await using var host = await FakeAzureFunctionsHost.StartAsync(app, platformHasDotnet: false);

        Assert.False(host.Forwarding);
        var source = $"urn:functionpackage:azure-functions:{sample}";
        answers.CheckFirst(await PostAsync(host, sample, answers.First), source);
        answers.CheckSecond(await PostAsync(host, sample, answers.Second), source);
    }

    [Fact]
    public void The_app_layout_is_the_contracts_and_a_second_export_writes_the_same_bytes()
    {
        var first = Exported(_samples.Hello, "layout-1", "--env", "GREETING=Hi", "--invocation-timeout", "10", "--drain-timeout", "5");
        var second = Exported(_samples.Hello, "layout-2", "--invocation-timeout", "10", "--drain-timeout", "5", "--env", "GREETING=Hi");

        var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "host.json"))).RootElement;
        var description = hostJson.GetProperty("customHandler").GetProperty("description");
        Assert.Equal("fnpkg/host/FunctionPackage.Host", description.GetProperty("defaultExecutablePath").GetString());
        Assert.Equal(".", description.GetProperty("workingDirectory").GetString());
        var arguments = description.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(new[] { "serve", "--function", "fnpkg/functions/hello/1.0.0", "--protocol", "azure-functions", "--invocation-timeout", "10", "--drain-timeout", "5" }, arguments);
        Assert.Equal("00:00:15", hostJson.GetProperty("functionTimeout").GetString());
        Assert.Equal("", hostJson.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        // The self-contained handler: the apphost (0755) and the runtime beside it, the packages folder as its probing path.
        Assert.Equal(UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(first, "fnpkg", "host", "FunctionPackage.Host")) & UnixFileMode.UserExecute);
        Assert.True(File.Exists(Path.Combine(first, "fnpkg", "host", "libhostfxr.so")));
        var runtimeOptions = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "fnpkg", "host", "FunctionPackage.Host.runtimeconfig.json"))).RootElement.GetProperty("runtimeOptions");
        Assert.Equal(new[] { "fnpkg/packages" }, runtimeOptions.GetProperty("additionalProbingPaths").EnumerateArray().Select(p => p.GetString()));
        Assert.True(runtimeOptions.TryGetProperty("includedFrameworks", out _));
        var bindings = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "Hello", "function.json"))).RootElement.GetProperty("bindings");
        Assert.Equal("httpTrigger", bindings[0].GetProperty("type").GetString());
        Assert.Equal("post", bindings[0].GetProperty("methods")[0].GetString());
        Assert.Equal("http", bindings[1].GetProperty("type").GetString());
        var values = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "local.settings.json"))).RootElement.GetProperty("Values");
        Assert.Equal("custom", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("Hi", values.GetProperty("GREETING").GetString());

        var files = Files(first);
        Assert.Equal(files, Files(second));
        Assert.All(files, f => Assert.True(File.ReadAllBytes(Path.Combine(first, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, f))), $"{f} differs"));
        // Only the function's folder holds a function.json the Functions host reads (the package's own is under fnpkg/).
        Assert.Equal(new[] { "Hello" }, Directory.GetDirectories(first).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName));
    }

    [Fact]
    public async Task With_framework_dependent_the_handler_is_dotnet_exec_on_the_plans_dotnet_and_answers()
    {
        var app = Exported(_samples.Orders, "framework-dependent", "--framework-dependent", "--invocation-timeout", "10", "--drain-timeout", "5");

        var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "host.json"))).RootElement.GetProperty("customHandler").GetProperty("description");
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.Equal(new[] { "exec", "--additionalprobingpath", "fnpkg/packages", "fnpkg/host/FunctionPackage.Host.dll", "serve", "--function", "fnpkg/functions/orders/1.0.0", "--protocol", "azure-functions", "--invocation-timeout", "10", "--drain-timeout", "5" },
            description.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.False(File.Exists(Path.Combine(app, "fnpkg", "host", "libhostfxr.so")));

        await using var host = await FakeAzureFunctionsHost.StartAsync(app, platformHasDotnet: true);

        SampleAnswers.Orders.CheckFirst(await PostAsync(host, "Orders", SampleAnswers.Orders.First), "");
    }

    [Theory]
    [InlineData("linux-x64", true)]
    [InlineData("linux-arm64", false)] // ReadyToRun code for x64 does not load on arm64: that app keeps the IL host
    public async Task With_framework_dependent_and_r_the_app_carries_the_plans_host_and_assets_only(string rid, bool readyToRun)
    {
        var app = Exported(_samples.Inventory, "framework-dependent-" + rid, "--framework-dependent", "-r", rid);

        var host = Path.Combine(app, "fnpkg", "host", "FunctionPackage.Host.dll");
        using (var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(host)))
        {
            Assert.True((pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0) == readyToRun, $"{host}: ReadyToRun should be {readyToRun}");
        }
        var natives = Files(app).Where(f => f.Contains("/runtimes/", StringComparison.Ordinal) && f.Contains("/native/", StringComparison.Ordinal)).ToList();
        Assert.Contains(natives, f => f.EndsWith($"/runtimes/{rid}/native/libe_sqlite3.so", StringComparison.Ordinal));
        Assert.All(natives, f => Assert.Contains($"/runtimes/{rid}/", f));
        if (rid != "linux-x64") return; // this machine runs x64 only

        await using var functions = await FakeAzureFunctionsHost.StartAsync(app, platformHasDotnet: true);
        SampleAnswers.Inventory.CheckFirst(await PostAsync(functions, "Inventory", SampleAnswers.Inventory.First), "urn:functionpackage:azure-functions:Inventory");
    }

    [Fact]
    public async Task With_forward_http_the_callers_request_reaches_the_handler_as_is()
    {
        var app = Exported(_samples.Hello, "forward", "--forward-http", "--http-method", "POST", "--auth-level", "anonymous");

        await using var host = await FakeAzureFunctionsHost.StartAsync(app, platformHasDotnet: false);

        Assert.True(host.Forwarding);
        var answer = await PostAsync(host, "Hello", SampleAnswers.Hello.First);
        SampleAnswers.Hello.CheckFirst(answer, "");
        Assert.Contains("forwarded HTTP requests at /Hello", host.Output);
    }

    [Fact]
    public async Task A_queue_message_and_an_event_grid_cloudevent_reach_the_entry_point()
    {
        var queueApp = Exported(_samples.Orders, "queue", "--trigger", "queue", "--queue-name", "orders", "--function-name", "OnOrder");
        var gridApp = Exported(_samples.Inventory, "eventgrid", "--trigger", "eventgrid");
        Assert.Equal("UseDevelopmentStorage=true",
            JsonDocument.Parse(File.ReadAllText(Path.Combine(queueApp, "local.settings.json"))).RootElement.GetProperty("Values").GetProperty("AzureWebJobsStorage").GetString());

        await using var queue = await FakeAzureFunctionsHost.StartAsync(queueApp, platformHasDotnet: false);
        await using var grid = await FakeAzureFunctionsHost.StartAsync(gridApp, platformHasDotnet: false);

        var (queueStatus, queueBody) = await queue.EnqueueAsync("OnOrder", SampleAnswers.Orders.First);
        Assert.True(queueStatus == HttpStatusCode.OK, $"{queueStatus} {queueBody}\n{queue.Output}");
        SampleAnswers.Orders.CheckFirst(queueBody.GetProperty("ReturnValue"), "");

        var cloudEvent = $$"""{"specversion":"1.0","id":"ev-1","source":"/warehouse/paris","type":"com.example.stock.requested","datacontenttype":"application/json","data":{{SampleAnswers.Inventory.First}}}""";
        var (gridStatus, gridBody) = await grid.PublishEventAsync("Inventory", cloudEvent);
        Assert.True(gridStatus == HttpStatusCode.OK, $"{gridStatus} {gridBody}\n{grid.Output}");
        SampleAnswers.Inventory.CheckFirst(gridBody.GetProperty("ReturnValue"), "/warehouse/paris");
    }

    [Fact]
    public async Task A_zip_is_reproducible_and_runs_unpacked_and_a_throwing_handler_or_bad_data_are_answered_by_contract()
    {
        var folder = _env.NewFolder("azure-zip");
        var zip = Path.Combine(folder, "orders.zip");
        var first = Export(_samples.Orders, zip);
        var bytes = File.ReadAllBytes(zip);
        var second = Export(_samples.Orders, zip);
        Assert.True(first.Succeeded && second.Succeeded, first.Log + second.Log);
        Assert.Contains($"deploy (Azure Functions): az functionapp deployment source config-zip --resource-group <resource-group> --name <app> --src {zip}", first.Stdout);
        Assert.Equal(bytes, File.ReadAllBytes(zip));
        var unpacked = Path.Combine(folder, "unpacked");
        // .NET's extraction applies the entries' Unix modes, as Azure's unpacking must: the handler stays executable.
        ZipFile.ExtractToDirectory(zip, unpacked);
        Assert.Equal(UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(unpacked, "fnpkg", "host", "FunctionPackage.Host")) & UnixFileMode.UserExecute);

        await using var host = await FakeAzureFunctionsHost.StartAsync(unpacked, platformHasDotnet: false);

        SampleAnswers.Orders.CheckSecond(await PostAsync(host, "Orders", SampleAnswers.Orders.Second), "");
        // Unknown SKU: Orders.Pricing throws KeyNotFoundException → a failed invocation, 500 to the caller.
        await PostAsync(host, "Orders", """{"customerId":"c-1","lines":[{"sku":"NOPE","quantity":1}]}""", HttpStatusCode.InternalServerError);
        Assert.True(await host.OutputShowsAsync("Unknown SKU 'NOPE'", TimeSpan.FromSeconds(10)), host.Output);
        var problem = await PostAsync(host, "Orders", "{not json", HttpStatusCode.BadRequest);
        Assert.Equal("FPKG4050", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("FPKG7150", 1, "--trigger", "ftp")]
    [InlineData("FPKG7151", 1, "--function-name", "9lives")]
    [InlineData("FPKG7152", 1, "--trigger", "queue")]
    [InlineData("FPKG7152", 1, "--queue-name", "orders")]
    [InlineData("FPKG7153", 1, "--http-method", "FETCH")]
    [InlineData("FPKG7153", 1, "--trigger", "queue", "--queue-name", "Orders_Queue")]
    [InlineData("FPKG7006", 1, "--image", "registry.example.com/fn/hello:1")]
    [InlineData("FPKG7110", 1, "-r", "win-x64")]
    [InlineData("FPKG7111", 4, "--runtime-version", "10.0.3")]
    [InlineData("FPKG7155", 1, "--framework-dependent", "-r", "win-x64")]
    [InlineData("FPKG7155", 1, "--framework-dependent", "--runtime-version", "10.0.12")]
    public void Bad_export_input_is_a_coded_error_and_nothing_is_written(string code, int exitCode, params string[] options)
    {
        var folder = _env.NewFolder("azure-bad-" + code);
        var output = Path.Combine(folder, "app");

        var run = Export(_samples.Hello, output, options);

        Assert.True(run.ExitCode == exitCode, run.Log);
        Assert.Contains(code + ":", run.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_non_empty_output_folder_and_a_missing_output_are_refused_before_anything_is_installed()
    {
        var folder = _env.NewFolder("azure-refused");
        var taken = Directory.CreateDirectory(Path.Combine(folder, "taken")).FullName;
        File.WriteAllText(Path.Combine(taken, "keep.txt"), "mine");

        var exists = Export(_samples.Hello, taken);
        var noOutput = Fnpkg.Run(_env.Root.Path, "export", _samples.Hello.IdAtVersion, "--target", "azure-functions", "--framework-dependent", "--source", Fnpkg.UnreachableSource);

        Assert.True(exists.ExitCode == 5 && exists.Stderr.Contains("FPKG7154:"), exists.Log);
        Assert.Equal(new[] { "keep.txt" }, Directory.GetFileSystemEntries(taken).Select(Path.GetFileName));
        Assert.True(noOutput.ExitCode == 1 && noOutput.Stderr.Contains("FPKG7156:"), noOutput.Log);
    }
}
