using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.Host.Tests.Support;

/// <summary>One installed test function served by one host process for a test class.</summary>
public abstract class HostFixture : IAsyncLifetime
{
    private TestRoot? _root;

    protected abstract string Project { get; }
    protected abstract string EntryType { get; }
    protected abstract string EntryMethod { get; }
    protected virtual string[] Options => Array.Empty<string>();
    /// <summary>false: started as fnpkg runs the host in its own process (<c>--packages</c>, no probing path).</summary>
    protected virtual bool ProbingPath => true;
    public virtual string Id => $"Test.{Project}.{EntryMethod}";
    public string Version => "1.0.0";

    internal InstalledLayout Layout { get; private set; } = null!;
    internal HostProcess Host { get; private set; } = null!;
    public HttpClient Client => Host.Client;

    public async Task InitializeAsync()
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync(Project);
        _root = new TestRoot($"host-{Project.ToLowerInvariant()}");
        Layout = InstalledLayout.Create(publish, _root.Path, Id, Version, Project, EntryType, EntryMethod);
        Host = ProbingPath ? await HostProcess.StartServeAsync(Layout, Options) : await HostProcess.StartServeWithPackagesOptionAsync(Layout, Options);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        _root?.Dispose();
    }
}

/// <summary>Greeter::Greet with a small body limit so 413 is cheap to provoke.</summary>
public sealed class GreeterHost : HostFixture
{
    public const int BodyLimit = 4096;
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.Greeter";
    protected override string EntryMethod => "Greet";
    protected override string[] Options => new[] { "--max-request-body-bytes", BodyLimit.ToString() };
}

public sealed class EventEchoHost : HostFixture
{
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.EventEcho";
    protected override string EntryMethod => "Describe";
}

public sealed class ThrowerHost : HostFixture
{
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.Thrower";
    protected override string EntryMethod => "Fail";
}

public sealed class SlowHost : HostFixture
{
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.Slow";
    protected override string EntryMethod => "Wait";
    protected override string[] Options => new[] { "--invocation-timeout", "1" };
}

public sealed class HumaneHost : HostFixture
{
    protected override string Project => "Humane";
    protected override string EntryType => "TestFunctions.Humane";
    protected override string EntryMethod => "Describe";
}

/// <summary>Humane with its packages found from function.json (<c>--packages</c>), not through a probing path.</summary>
public sealed class HumanePackagesOptionHost : HostFixture
{
    protected override string Project => "Humane";
    protected override string EntryType => "TestFunctions.Humane";
    protected override string EntryMethod => "Describe";
    protected override bool ProbingPath => false;
}

/// <summary>Blocker::BlockAsync (Thread.Sleep before its first await) with a 1 s timeout.</summary>
public sealed class BlockerTimeoutHost : HostFixture
{
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.Blocker";
    protected override string EntryMethod => "BlockAsync";
    protected override string[] Options => new[] { "--invocation-timeout", "1" };
}

/// <summary>Blocker::BlockAsync with room for <see cref="MaxConcurrent"/> invocations at once and the default timeout.</summary>
public sealed class BlockerBoundHost : HostFixture
{
    public const int MaxConcurrent = 16;
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.Blocker";
    protected override string EntryMethod => "BlockAsync";
    protected override string[] Options => new[] { "--max-concurrent-invocations", MaxConcurrent.ToString() };
}

public sealed class ShippedFileHost : HostFixture
{
    protected override string Project => "Greeter";
    protected override string EntryType => "TestFunctions.ShippedFile";
    protected override string EntryMethod => "Read";
}
