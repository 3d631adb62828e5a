using System.Diagnostics;
using System.Net;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>A function that throws: 500 problem, logged, and the host stays up.</summary>
public sealed class ServeThrowerTests : IClassFixture<ThrowerHost>
{
    private readonly ThrowerHost _fixture;

    public ServeThrowerTests(ThrowerHost fixture) => _fixture = fixture;

    [Fact]
    public async Task Handler_exception_is_500_problem_logged_and_the_host_stays_healthy()
    {
        using (var response = await _fixture.Client.SendAsync(Binary("""{"name":"Bob"}""")))
        {
            await ServeGreeterTests.AssertProblemAsync(response, HttpStatusCode.InternalServerError, "System.InvalidOperationException");
            Assert.DoesNotContain("Cannot greet", await response.Content.ReadAsStringAsync()); // the message stays in the log
        }
        using (var health = await _fixture.Client.GetAsync("healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        using (var again = await _fixture.Client.SendAsync(Plain("""{"name":"Eve"}""")))
        {
            await ServeGreeterTests.AssertProblemAsync(again, HttpStatusCode.InternalServerError, "InvalidOperationException");
        }
        await Eventually(() => _fixture.Host.Output.Contains("Cannot greet Eve."));
        Assert.Contains("[err] fail: FunctionPackage.Host", _fixture.Host.Output);
        Assert.False(_fixture.Host.HasExited);
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.True(condition());
    }
}

/// <summary>Slow::Wait honours its token; the host runs with --invocation-timeout 1.</summary>
public sealed class ServeTimeoutTests : IClassFixture<SlowHost>
{
    private readonly SlowHost _fixture;

    public ServeTimeoutTests(SlowHost fixture) => _fixture = fixture;

    [Fact]
    public async Task Invocation_over_the_timeout_is_504_and_the_token_is_cancelled()
    {
        var watch = Stopwatch.StartNew();
        using var response = await _fixture.Client.SendAsync(Plain("""{"name":"sloth","times":20}"""));
        watch.Stop();
        await ServeGreeterTests.AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "1 s");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        await ServeThrowerTests.Eventually(() => _fixture.Host.Output.Contains("slow: cancelled waiting for sloth"));

        using var quick = await _fixture.Client.SendAsync(Plain("""{"name":"hare","times":0}"""));
        Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        Assert.Equal("\"waited 0s\"", await quick.Content.ReadAsStringAsync());
    }
}

/// <summary>SIGTERM drains in-flight requests before the host exits.</summary>
public sealed class ServeShutdownTests
{
    [Fact]
    public async Task Sigterm_lets_the_in_flight_request_finish_then_exits_0()
    {
        using var root = new TestRoot("host-drain");
        var layout = InstalledLayout.Create(await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter"), root.Path,
            "Test.Drain", "1.0.0", "Greeter", "TestFunctions.AnnouncedSlow", "Wait");
        // A window far beyond the 2 s call, so a loaded machine cannot make it end first (the default is asserted below).
        await using var host = await HostProcess.StartServeAsync(layout, "--drain-timeout", "30");

        var inFlight = host.Client.SendAsync(Plain("""{"name":"drain","times":2}"""));
        await ServeThrowerTests.Eventually(() => host.Output.Contains("slow: started drain"));
        Assert.False(inFlight.IsCompleted, host.Output);
        host.Terminate();

        using var response = await inFlight;
        Assert.True(response.StatusCode == HttpStatusCode.OK, host.Output);
        Assert.Equal("\"waited 2s\"", await response.Content.ReadAsStringAsync());
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(15)), host.Output);
        Assert.True(host.ExitCode == 0, host.Output);
        Assert.Contains("Application is shutting down", host.Output);
        Assert.True(host.Output.Contains("Stopping: no new requests; draining 1 in-flight invocation(s) for up to 30 s (--drain-timeout).", StringComparison.Ordinal), host.Output);
        Assert.True(host.Output.Contains("Drained in ", StringComparison.Ordinal), host.Output);
    }

    [Fact]
    public async Task A_request_longer_than_the_drain_timeout_is_aborted_at_its_end_and_the_host_exits_0()
    {
        using var root = new TestRoot("host-drain-timeout");
        var layout = InstalledLayout.Create(await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter"), root.Path,
            "Test.DrainTimeout", "1.0.0", "Greeter", "TestFunctions.AnnouncedSlow", "Wait");
        await using var host = await HostProcess.StartServeAsync(layout, "--drain-timeout", "1");

        var inFlight = host.Client.SendAsync(Plain("""{"name":"sloth","times":30}"""));
        await ServeThrowerTests.Eventually(() => host.Output.Contains("slow: started sloth"));
        var stopping = Stopwatch.StartNew();
        host.Terminate();

        // Aborted at the end of the 1 s window: no answer (the connection closes), long before the 30 s the call takes.
        await Assert.ThrowsAnyAsync<Exception>(async () => (await inFlight).EnsureSuccessStatusCode());
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(15)), host.Output);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"{stopping.Elapsed}\n{host.Output}");
        Assert.True(host.ExitCode == 0, host.Output);
        Assert.True(host.Output.Contains("Drain window of 1 s (--drain-timeout) ended: requests still open were aborted", StringComparison.Ordinal), host.Output);
    }
}
