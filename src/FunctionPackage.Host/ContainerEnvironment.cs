using System.Globalization;

namespace FunctionPackage.Host;

/// <summary>
/// The container platforms' runtime contract (Knative Serving, Cloud Run, any OCI runtime): the platform sets
/// <c>PORT</c> and routes to it from outside, so in a container <c>serve</c> listens on all interfaces there; outside
/// one it stays on 127.0.0.1. A container is recognised by its environment only — <c>K_SERVICE</c> (Knative, Cloud Run)
/// or <c>DOTNET_RUNNING_IN_CONTAINER=true</c> (set by the official .NET images) — never by files such as
/// <c>/.dockerenv</c>: a developer's shell or CI job inside a container must not open the host to the network.
/// </summary>
public sealed record ContainerEnvironment(string? Service, string? Revision, string? Configuration, string? Port)
{
    /// <summary>The port when the platform does not set <c>PORT</c> (Cloud Run's and Knative's default).</summary>
    public const int DefaultPort = 8080;

    /// <summary>The container this process runs in, or null when it does not run in one.</summary>
    public static ContainerEnvironment? Detect(Func<string, string?> variable)
    {
        var service = NullIfEmpty(variable("K_SERVICE"));
        var dotnetImage = string.Equals(variable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
        if (service is null && !dotnetImage) return null;
        return new ContainerEnvironment(service, NullIfEmpty(variable("K_REVISION")), NullIfEmpty(variable("K_CONFIGURATION")), NullIfEmpty(variable("PORT")));
    }

    public static ContainerEnvironment? FromProcess() => Detect(Environment.GetEnvironmentVariable);

    /// <summary>
    /// What <c>serve</c> listens on when <c>--urls</c> is not given: <c>http://0.0.0.0:$PORT</c> in a container, else
    /// <see cref="HostCommandLine.DefaultUrls"/>.
    /// </summary>
    /// <exception cref="FunctionHostException">FPKG4101: <c>PORT</c> is not a port number.</exception>
    public static string DefaultUrls(ContainerEnvironment? container)
    {
        if (container is null) return HostCommandLine.DefaultUrls;
        var port = DefaultPort;
        if (container.Port is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw HostDiagnostics.Error(HostErrorCodes.InvalidPort, text);
        }
        return $"http://0.0.0.0:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
