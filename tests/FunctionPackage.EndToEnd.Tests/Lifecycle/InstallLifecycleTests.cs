using System.IO.Compression;
using System.Text.Json;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// <c>fnpkg install</c> and <c>fnpkg invoke</c> as processes on the published samples: materialize, embed mode with no
/// reachable feed, stdout discipline, a killed install, concurrent installs and a tampered dependency.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class InstallLifecycleTests
{
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;

    public InstallLifecycleTests(EndToEndEnvironment env)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
    }

    [Fact]
    public void Materialize_writes_the_dotnet_publish_folder_file_for_file_and_byte_for_byte()
    {
        var inventory = _samples.Inventory;
        var root = _env.NewFolder("materialize-root");
        var materialized = Path.Combine(_env.NewFolder("materialize"), "publish");

        var install = Fnpkg.Run(_env.Root.Path, "install", inventory.IdAtVersion, "--root", root,
            "--source", _samples.FunctionFeed, "--source", _samples.DependencyFeed, "--materialize", materialized);

        Assert.True(install.Succeeded, install.Log);
        Assert.Equal(inventory.FunctionDirectory(root) + "\n", install.Stdout);
        var expected = HashTree(inventory.PublishDirectory);
        var actual = HashTree(materialized);
        // The native asset and the satellite are the hard cases; make sure the comparison covers them.
        Assert.Contains("runtimes/linux-x64/native/libe_sqlite3.so", expected.Keys);
        Assert.Contains("fr/Humanizer.resources.dll", expected.Keys);
        var missing = expected.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Keys).ToList();
        var different = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && different.Count == 0,
            $"{materialized} differs from {inventory.PublishDirectory}.\nmissing: {string.Join(", ", missing)}\nextra: {string.Join(", ", extra)}\n" +
            $"different bytes: {string.Join(", ", different)}\n{install.Log}");
    }

    [Fact]
    public void Embed_mode_installs_and_invokes_from_the_nupkg_with_no_feed_reachable()
    {
        var embedded = _samples.OrdersEmbedded;
        var root = _env.NewFolder("embed-root");

        // The control: the same sources make a reference-mode install fail, so they really reach nothing.
        var control = Fnpkg.Run(_env.Root.Path, "install", _samples.Orders.PackagePath, "--root", _env.NewFolder("embed-control-root"), "--source", Fnpkg.UnreachableSource);
        Assert.True(control.ExitCode == 3 && control.Stderr.Contains("FPKG5101", StringComparison.Ordinal), $"Expected exit 3 with FPKG5101.\n{control.Log}");

        var install = Fnpkg.Run(_env.Root.Path, "install", embedded.PackagePath, "--root", root, "--source", Fnpkg.UnreachableSource);
        Assert.True(install.Succeeded, install.Log);
        var newtonsoft = Assert.Single(embedded.Manifest.Dependencies);
        var metadata = File.ReadAllText(Path.Combine(root, "packages", newtonsoft.Path, ".nupkg.metadata"));
        Assert.Contains("(embedded)", metadata);

        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", embedded.PackagePath, "--root", root, "--source", Fnpkg.UnreachableSource, "--data", SampleAnswers.Orders.First);
        Assert.True(invoke.Succeeded, invoke.Log);
        CheckAnswer(invoke, SampleAnswers.Orders.CheckFirst, SampleAnswers.InvokeSource);
    }

    [Fact]
    public void An_FSharp_function_installs_from_the_public_feed_and_invokes()
    {
        var wordCount = _samples.WordCount;
        var root = _env.NewFolder("fsharp-root");

        // What an installer elsewhere has: the feed the function was pushed to, and the public feed. Not the build
        // machine's SDK library packs, where FSharp.Core came from (the public feed's FSharp.Core has other bytes).
        var install = Fnpkg.Run(_env.Root.Path, "install", wordCount.IdAtVersion, "--root", root,
            "--source", _samples.FunctionFeed, "--source", PackageRepository.NuGetOrg);
        Assert.True(install.Succeeded, install.Log);

        var fsharpCore = Assert.Single(wordCount.Manifest.Dependencies, d => d.Id == "FSharp.Core");
        Assert.True(File.Exists(Path.Combine(root, "packages", fsharpCore.Path, ".nupkg.metadata")), install.Log);
        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", wordCount.IdAtVersion, "--root", root, "--source", Fnpkg.UnreachableSource, "--data", SampleAnswers.WordCount.First);
        Assert.True(invoke.Succeeded, invoke.Log);
        CheckAnswer(invoke, SampleAnswers.WordCount.CheckFirst, SampleAnswers.InvokeSource);
    }

    [Fact]
    public void Invoke_prints_only_the_result_on_stdout_and_logs_on_stderr()
    {
        var orders = _samples.Orders;

        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", orders.PackagePath, "--source", _samples.DependencyFeed, "--data", SampleAnswers.Orders.First);

        Assert.True(invoke.Succeeded, invoke.Log);
        Assert.True(invoke.Stdout.EndsWith('\n') && invoke.Stdout.IndexOf('\n') == invoke.Stdout.Length - 1,
            $"stdout must be exactly one line: the result.\n{invoke.Log}");
        CheckAnswer(invoke, SampleAnswers.Orders.CheckFirst, SampleAnswers.InvokeSource);
        // It installed into a temporary root first, and said so on stderr.
        Assert.True(invoke.Stderr.Contains("Downloading Newtonsoft.Json 13.0.3", StringComparison.Ordinal), $"The install log belongs on stderr.\n{invoke.Log}");
    }

    [Fact]
    public void Inventory_invoke_answers_from_sqlite_in_french()
    {
        var inventory = _samples.Inventory;

        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", inventory.PackagePath, "--source", _samples.DependencyFeed, "--data", SampleAnswers.Inventory.Second);

        Assert.True(invoke.Succeeded, invoke.Log);
        CheckAnswer(invoke, SampleAnswers.Inventory.CheckSecond, SampleAnswers.InvokeSource);
    }

    [Fact]
    public async Task A_killed_install_leaves_nothing_the_host_would_load_and_the_next_install_completes_it()
    {
        var orders = _samples.Orders;
        var root = _env.NewFolder("killed-root");
        var dependencyRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delayed = 0;
        using var feed = StaticNuGetFeed.Start(new[] { orders.PackagePath }.Concat(orders.DependencyPackages).ToArray());
        feed.BeforeNupkgAsync = async path =>
        {
            // Only the first dependency download hangs: the install is killed while it waits.
            if (path.Contains("newtonsoft.json", StringComparison.Ordinal) && Interlocked.Exchange(ref delayed, 1) == 0)
            {
                dependencyRequested.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(10));
            }
        };

        using (var killed = Fnpkg.Start(_env.Root.Path, new[] { "install", orders.IdAtVersion, "--root", root, "--source", feed.IndexUrl }))
        {
            var reached = await Task.WhenAny(dependencyRequested.Task, Task.Delay(TimeSpan.FromMinutes(2)));
            Assert.True(reached == dependencyRequested.Task, $"fnpkg install never asked for the dependency.\n{killed.Log}");
            Assert.False(killed.HasExited, $"fnpkg install exited while its download was held.\n{killed.Log}");
            killed.Kill();
            Assert.True(killed.HasExited, $"fnpkg install survived Kill(entireProcessTree).\n{killed.Log}");
        }

        var functionDirectory = orders.FunctionDirectory(root);
        Assert.False(Directory.Exists(functionDirectory), $"{functionDirectory} exists after a killed install: the host could load half an install.");
        Assert.False(File.Exists(Path.Combine(root, "packages", "newtonsoft.json", "13.0.3", ".nupkg.metadata")), "The held dependency cannot be complete.");
        // What is left is staging garbage (the function package was downloaded and staged before the dependency).
        var staging = Path.Combine(root, ".staging");
        Assert.NotEmpty(Directory.GetDirectories(staging));

        var install = Fnpkg.Run(_env.Root.Path, "install", orders.IdAtVersion, "--root", root, "--source", feed.IndexUrl);
        Assert.True(install.Succeeded, install.Log);
        Assert.Equal(functionDirectory + "\n", install.Stdout);
        Assert.True(Directory.GetFileSystemEntries(staging).Length == 0, $"The next install must delete the killed install's staging folder and lock: {string.Join(", ", Directory.GetFileSystemEntries(staging))}\n{install.Log}");

        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", orders.IdAtVersion, "--root", root, "--source", feed.IndexUrl, "--data", SampleAnswers.Orders.First);
        Assert.True(invoke.Succeeded, invoke.Log);
        CheckAnswer(invoke, SampleAnswers.Orders.CheckFirst, SampleAnswers.InvokeSource);
    }

    [Fact]
    public async Task Two_concurrent_installs_of_one_function_both_succeed_and_leave_one_complete_install()
    {
        var inventory = _samples.Inventory;
        var root = _env.NewFolder("concurrent-root");
        var functionPackagePath = $"/flat/{inventory.Id.ToLowerInvariant()}/{inventory.Version.ToLowerInvariant()}/{inventory.Id.ToLowerInvariant()}.{inventory.Version.ToLowerInvariant()}.nupkg";
        var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = 0;
        using var feed = StaticNuGetFeed.Start(new[] { inventory.PackagePath }.Concat(inventory.DependencyPackages).ToArray());
        feed.BeforeNupkgAsync = async path =>
        {
            // A barrier on the function package: both installs verify, stage and fetch dependencies at the same time.
            if (path != functionPackagePath) return;
            if (Interlocked.Increment(ref asked) >= 2) bothAsked.TrySetResult();
            await Task.WhenAny(bothAsked.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        };
        var args = new[] { "install", inventory.IdAtVersion, "--root", root, "--source", feed.IndexUrl };

        CliRun first, second;
        using (var a = Fnpkg.Start(_env.Root.Path, args))
        using (var b = Fnpkg.Start(_env.Root.Path, args))
        {
            a.WaitForExit(Fnpkg.DefaultTimeout);
            b.WaitForExit(Fnpkg.DefaultTimeout);
            first = a.Result();
            second = b.Result();
        }

        Assert.True(first.Succeeded && second.Succeeded, $"Both installs must succeed.\n{first.Log}\n{second.Log}");
        Assert.True(bothAsked.Task.IsCompleted, $"The two installs did not overlap (the barrier was never passed by both).\n{first.Log}\n{second.Log}");
        var functionDirectory = inventory.FunctionDirectory(root);
        Assert.Equal(functionDirectory + "\n", first.Stdout);
        Assert.Equal(functionDirectory + "\n", second.Stdout);
        var versions = Directory.GetDirectories(Path.GetDirectoryName(functionDirectory)!);
        Assert.True(versions.SequenceEqual(new[] { functionDirectory }), $"Expected only {functionDirectory}: {string.Join(", ", versions)}\n{first.Log}\n{second.Log}");
        var staging = Directory.GetFileSystemEntries(Path.Combine(root, ".staging"));
        Assert.True(staging.Length == 0, $"Staging leftovers: {string.Join(", ", staging)}\n{first.Log}\n{second.Log}");
        foreach (var dependency in inventory.Manifest.Dependencies)
        {
            var packageDirectory = Path.Combine(root, "packages", dependency.Path);
            Assert.True(File.Exists(Path.Combine(packageDirectory, ".nupkg.metadata")), $"{dependency.Id} {dependency.Version} is incomplete.\n{first.Log}\n{second.Log}");
            var siblings = Directory.GetDirectories(Path.GetDirectoryName(packageDirectory)!);
            Assert.True(siblings.SequenceEqual(new[] { packageDirectory }), $"Extraction leftovers beside {packageDirectory}: {string.Join(", ", siblings)}");
        }
        using (var receipt = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(functionDirectory, "install.json"))))
        {
            Assert.Equal(inventory.Id, receipt.RootElement.GetProperty("id").GetString());
            Assert.Equal(inventory.Manifest.Dependencies.Count, receipt.RootElement.GetProperty("dependencies").GetArrayLength());
        }

        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", inventory.IdAtVersion, "--root", root, "--source", feed.IndexUrl, "--data", SampleAnswers.Inventory.First);
        Assert.True(invoke.Succeeded, invoke.Log);
        CheckAnswer(invoke, SampleAnswers.Inventory.CheckFirst, SampleAnswers.InvokeSource);
    }

    [Fact]
    public void A_dependency_whose_content_differs_from_the_pinned_hash_is_refused()
    {
        var orders = _samples.Orders;
        var root = _env.NewFolder("tampered-root");
        var newtonsoft = Assert.Single(orders.DependencyPackages);
        var tampered = Path.Combine(_env.NewFolder("tampered-feed"), Path.GetFileName(newtonsoft));
        File.Copy(newtonsoft, tampered);
        using (var zip = ZipFile.Open(tampered, ZipArchiveMode.Update))
        {
            // Same id and version, one file more: another package under the pinned identity.
            using var writer = new StreamWriter(zip.CreateEntry("lib/netstandard2.0/tampered.txt").Open());
            writer.Write("not what restore saw");
        }
        using var feed = StaticNuGetFeed.Start(orders.PackagePath, tampered);

        var install = Fnpkg.Run(_env.Root.Path, "install", orders.IdAtVersion, "--root", root, "--source", feed.IndexUrl);

        Assert.True(install.ExitCode == 2, $"Expected exit code 2 (verification failed).\n{install.Log}");
        Assert.True(install.Stderr.Contains("FPKG5104", StringComparison.Ordinal), $"Expected FPKG5104 on stderr.\n{install.Log}");
        Assert.True(install.Stdout.Length == 0, $"A failed install prints nothing on stdout.\n{install.Log}");
        Assert.Contains("/flat/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg", feed.Requests);
        Assert.False(Directory.Exists(Path.Combine(root, "functions")) && Directory.EnumerateFileSystemEntries(Path.Combine(root, "functions"), "*", SearchOption.AllDirectories).Any(),
            $"Nothing may be installed under {root}/functions.");
        Assert.False(Directory.Exists(Path.Combine(root, "packages", "newtonsoft.json", "13.0.3")), "The tampered package must not be extracted.");
    }

    /// <summary>stdout is the result JSON and nothing else.</summary>
    private static void CheckAnswer(CliRun invoke, Action<JsonElement, string> check, string source)
    {
        JsonElement answer;
        try
        {
            answer = JsonDocument.Parse(invoke.Stdout).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON document: {ex.Message}\n{invoke.Log}");
        }
        try
        {
            check(answer, source);
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n{invoke.Log}");
        }
    }

    /// <summary>Relative path (with '/') → SHA-512 of every file under <paramref name="directory"/>.</summary>
    private static SortedDictionary<string, string> HashTree(string directory)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
        {
            hashes[Path.GetRelativePath(directory, file).Replace('\\', '/')] = ContentHash.Sha512File(file);
        }
        return hashes;
    }
}
