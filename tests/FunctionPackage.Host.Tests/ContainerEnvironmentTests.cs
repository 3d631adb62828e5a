using System.Net;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Testing;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// The container contract: in a container (K_SERVICE, or DOTNET_RUNNING_IN_CONTAINER=true) serve listens on all
/// interfaces at PORT; anywhere else on 127.0.0.1, whatever PORT says. Tests never bind all interfaces (the rule of this
/// machine), so the addresses are checked in-process and the process tests pass --urls or fail before binding.
/// </summary>
public sealed class ContainerEnvironmentTests : IDisposable
{
    private readonly TestRoot _root = new("host-container");

    public void Dispose() => _root.Dispose();

    private static ContainerEnvironment? Detect(params (string Name, string Value)[] variables)
        => ContainerEnvironment.Detect(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void Outside_a_container_the_default_stays_loopback_even_with_PORT_set()
    {
        Assert.Null(Detect());
        Assert.Null(Detect(("PORT", "9090"), ("DOTNET_RUNNING_IN_CONTAINER", "false"), ("K_SERVICE", "")));
        Assert.Equal("http://127.0.0.1:8080", ContainerEnvironment.DefaultUrls(Detect(("PORT", "9090"))));
    }

    [Theory]
    [InlineData("K_SERVICE", "orders", "9090", "http://0.0.0.0:9090")]
    [InlineData("K_SERVICE", "orders", null, "http://0.0.0.0:8080")]
    [InlineData("DOTNET_RUNNING_IN_CONTAINER", "true", "80", "http://0.0.0.0:80")]
    [InlineData("DOTNET_RUNNING_IN_CONTAINER", "TRUE", null, "http://0.0.0.0:8080")]
    public void In_a_container_the_default_is_all_interfaces_at_PORT(string marker, string value, string? port, string expected)
    {
        var variables = port is null ? new[] { (marker, value) } : new[] { (marker, value), ("PORT", port) };
        var container = Detect(variables);
        Assert.NotNull(container);
        Assert.Equal(expected, ContainerEnvironment.DefaultUrls(container));
    }

    [Fact]
    public void The_platforms_names_are_read_for_the_logs()
    {
        var container = Detect(("K_SERVICE", "orders"), ("K_REVISION", "orders-00001"), ("K_CONFIGURATION", "orders-config"));
        Assert.Equal(new ContainerEnvironment("orders", "orders-00001", "orders-config", null), container);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData(" 80")]
    public void A_PORT_that_is_not_a_port_number_is_FPKG4101(string port)
    {
        var ex = Assert.Throws<FunctionHostException>(() => ContainerEnvironment.DefaultUrls(Detect(("K_SERVICE", "orders"), ("PORT", port))));
        Assert.Equal(HostErrorCodes.InvalidPort, ex.Code);
        Assert.Equal($"FPKG4101: PORT '{port}' is not a port number (1-65535). Set PORT to the port the platform routes requests to (e.g. 8080), or pass --urls.", ex.Message);
    }

    [Fact]
    public async Task Serve_in_a_container_with_a_bad_PORT_exits_3_with_FPKG4101_before_it_binds()
    {
        var environment = new Dictionary<string, string> { ["K_SERVICE"] = "orders", ["PORT"] = "eighty" };
        var (exit, stdout, stderr) = await HostProcess.RunWithEnvironmentAsync(null, environment, "", "serve", "--function", _root.Combine("nothing"));
        Assert.True(exit == ExitCodes.LoadFailed, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"{HostErrorCodes.InvalidPort}: PORT 'eighty' is not a port number", stderr);
        Assert.DoesNotContain("Now listening", stderr);
        Assert.DoesNotContain(HostErrorCodes.FunctionNotInstalled, stderr); // checked before the function loads
    }

    [Fact]
    public async Task Serve_in_a_container_logs_the_service_and_revision_and_an_explicit_urls_wins_over_PORT()
    {
        var publish = await TestFunctionBuilds.GetPublishDirectoryAsync("Greeter");
        var layout = InstalledLayout.Create(publish, _root.Combine("greeter"), "Test.Greet", "1.0.0", "Greeter", "TestFunctions.Greeter", "Greet");
        var environment = new Dictionary<string, string> { ["K_SERVICE"] = "orders", ["K_REVISION"] = "orders-00001", ["PORT"] = "1" };
        await using var host = await HostProcess.StartServeAsync(layout, environment);

        using var response = await host.Client.SendAsync(Plain("""{"name":"Ada"}"""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, host.Output);
        Assert.Contains("In a container: K_SERVICE=orders K_REVISION=orders-00001 K_CONFIGURATION=(unset); listening on http://127.0.0.1:", host.Output);
        Assert.Contains("(--urls)", host.Output);
        Assert.Contains($"Now listening on: {host.BaseAddress.ToString().TrimEnd('/')}", host.Output);
    }
}
