using FunctionPackage.Oci.Registry;
using FunctionPackage.Testing;

namespace FunctionPackage.Oci.Tests.Infrastructure;

/// <summary>
/// One anonymous and one htpasswd-protected registry for the whole test run (starting them is the slow part), each
/// with its data under a temp root deleted at the end; the registries are always stopped.
/// </summary>
public sealed class RegistryEnvironment : IDisposable
{
    public const string User = "fnpkg";
    public const string Password = "s3cret-pass";

    public RegistryEnvironment()
    {
        Tool.Require("docker-registry", "docker-registry");
        Tool.Require("skopeo", "skopeo");
        Tool.Require("umoci", "umoci");
        Root = new TestRoot("oci-registries");
        try
        {
            Anonymous = new LocalRegistry(Root.Combine("anonymous"));
            Basic = new LocalRegistry(Root.Combine("basic"), User, Password);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TestRoot Root { get; }
    public LocalRegistry Anonymous { get; } = null!;
    public LocalRegistry Basic { get; } = null!;

    /// <summary>Options for the loopback registries: named insecure (plain HTTP), no credentials unless given.</summary>
    public static RegistryOptions Options(CredentialStore? credentials = null, params string[] insecure) => new()
    {
        InsecureRegistries = new HashSet<string>(insecure, StringComparer.OrdinalIgnoreCase),
        Credentials = credentials ?? CredentialStore.Anonymous,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private Task<ImageReference>? _dotnetBase;
    private readonly object _gate = new();

    /// <summary>The base image made from this machine's .NET runtime, built and pushed once per run.</summary>
    public Task<ImageReference> DotNetBaseImageAsync()
    {
        lock (_gate)
        {
            return _dotnetBase ??= Task.Run(async () =>
            {
                using var client = AnonymousClient();
                return await DotNetBaseImage.BuildAndPushAsync(client, Root.Combine("dotnet-base"));
            });
        }
    }

    private Task<ImageReference>? _aspNetBase;

    /// <summary>The same with Microsoft.AspNetCore.App (what fnpkg export's images need), built and pushed once per run.</summary>
    public Task<ImageReference> AspNetBaseImageAsync()
    {
        lock (_gate)
        {
            return _aspNetBase ??= Task.Run(async () =>
            {
                using var client = AnonymousClient();
                return await DotNetBaseImage.BuildAndPushAsync(client, Root.Combine("aspnet-base"), withAspNetCore: true);
            });
        }
    }

    public RegistryClient AnonymousClient(RegistryOptions? options = null) => new(Anonymous.Host, options ?? Options(null, Anonymous.Host));

    public void Dispose()
    {
        Anonymous?.Dispose();
        Basic?.Dispose();
        Root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryEnvironment>
{
    public const string Name = "registry";
}
