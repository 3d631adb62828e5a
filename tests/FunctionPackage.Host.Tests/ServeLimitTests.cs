using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>A handler that blocks its thread before its first await is still timed out (504 with FPKG4014).</summary>
public sealed class ServeBlockingTimeoutTests : IClassFixture<BlockerTimeoutHost>
{
    private readonly BlockerTimeoutHost _fixture;

    public ServeBlockingTimeoutTests(BlockerTimeoutHost fixture) => _fixture = fixture;

    [Fact]
    public async Task Handler_blocking_before_its_first_await_gets_504_at_the_timeout_not_its_answer_later()
    {
        var watch = Stopwatch.StartNew();
        using var response = await _fixture.Client.SendAsync(Plain("""{"name":"stuck","times":8}"""));
        watch.Stop();
        var problem = await ServeLimitAssertions.AssertCodedProblemAsync(response, HttpStatusCode.GatewayTimeout, "FPKG4014", _fixture.Host.Output);
        Assert.Contains("--invocation-timeout", problem.GetProperty("detail").GetString());
        // The handler sleeps 8 s; the answer must come from the 1 s timeout, long before the handler returns.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"504 after {watch.Elapsed}: the timeout waited for the handler.\n{_fixture.Host.Output}");

        using var health = await _fixture.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

/// <summary>
/// Blocking handlers in flight do not starve <c>/healthz</c>, and invocations beyond <c>--max-concurrent-invocations</c>
/// get 503 with Retry-After (FPKG4013) instead of queueing without bound.
/// </summary>
public sealed class ServeConcurrencyBoundTests : IClassFixture<BlockerBoundHost>
{
    private readonly BlockerBoundHost _fixture;

    public ServeConcurrencyBoundTests(BlockerBoundHost fixture) => _fixture = fixture;

    [Fact]
    public async Task Blocking_calls_in_flight_leave_healthz_answering_and_the_one_over_the_bound_gets_503()
    {
        var client = _fixture.Client;
        var calls = Enumerable.Range(0, BlockerBoundHost.MaxConcurrent)
            .Select(i => client.SendAsync(Plain($$"""{"name":"call{{i}}","times":6}""")))
            .ToList();
        // Every call is running (blocking a thread) before we probe.
        await ServeThrowerTests.Eventually(() => ServeLimitAssertions.Count(_fixture.Host.Output, "blocker: started call") == BlockerBoundHost.MaxConcurrent);
        Assert.All(calls, call => Assert.False(call.IsCompleted, _fixture.Host.Output));

        using (var probe = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            using var health = await client.GetAsync("healthz", probe.Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var over = await client.SendAsync(Plain("""{"name":"one-too-many","times":0}""")))
        {
            await ServeLimitAssertions.AssertCodedProblemAsync(over, HttpStatusCode.ServiceUnavailable, "FPKG4013", _fixture.Host.Output);
            Assert.True(over.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, $"Retry-After: {over.Headers.RetryAfter}");
        }
        Assert.DoesNotContain("blocker: started one-too-many", _fixture.Host.Output);

        foreach (var call in calls)
        {
            using var response = await call;
            Assert.True(response.StatusCode == HttpStatusCode.OK, _fixture.Host.Output);
            Assert.Equal("\"blocked 6s\"", await response.Content.ReadAsStringAsync());
        }
        // The slots are free again.
        using var after = await client.SendAsync(Plain("""{"name":"after","times":0}"""));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}

/// <summary>SIGTERM with blocked handlers in flight: they get their 504 at the timeout and the host exits, not held by them.</summary>
public sealed class ServeBlockedDrainTests
{
    [Fact]
    public async Task Sigterm_drains_blocked_handlers_at_the_timeout_and_exits_0()
    {
        using var root = new TestRoot("host-blocked-drain");
        var layout = InstalledLayout.Create(await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter"), root.Path,
            "Test.BlockedDrain", "1.0.0", "Greeter", "TestFunctions.Blocker", "BlockAsync");
        await using var host = await HostProcess.StartServeAsync(layout, "--invocation-timeout", "2");

        var calls = Enumerable.Range(0, 4).Select(i => host.Client.SendAsync(Plain($$"""{"name":"drain{{i}}","times":60}"""))).ToList();
        await ServeThrowerTests.Eventually(() => ServeLimitAssertions.Count(host.Output, "blocker: started drain") == calls.Count);
        host.Terminate();

        foreach (var call in calls)
        {
            using var response = await call;
            await ServeLimitAssertions.AssertCodedProblemAsync(response, HttpStatusCode.GatewayTimeout, "FPKG4014", host.Output);
        }
        // The handlers sleep 60 s; the drain window is --drain-timeout (default 8 s), the 504s come at the 2 s timeout.
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), host.Output);
        Assert.True(host.ExitCode == 0, host.Output);
        Assert.True(host.Output.Contains("for up to 8 s (--drain-timeout).", StringComparison.Ordinal), host.Output); // the default
    }
}

internal static class ServeLimitAssertions
{
    /// <summary>How often <paramref name="value"/> occurs in <paramref name="text"/>.</summary>
    public static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>A problem response with the given status and <c>code</c> member; returns the problem.</summary>
    public static async Task<JsonElement> AssertCodedProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string log)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}\n{log}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("code", out var actual) && actual.GetString() == code, $"expected code {code}: {body}");
        Assert.StartsWith(code + ":", problem.GetProperty("detail").GetString());
        return problem;
    }
}
