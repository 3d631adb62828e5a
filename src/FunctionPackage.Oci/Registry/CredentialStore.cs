using System.Text;
using System.Text.Json;

namespace FunctionPackage.Oci.Registry;

/// <summary>A user name and password, or an identity (refresh) token, for one registry.</summary>
public sealed record RegistryCredential(string? Username, string? Password, string? IdentityToken = null)
{
    public override string ToString() => $"RegistryCredential({Username ?? "(token)"})"; // never the secret
}

/// <summary>
/// Credentials as users already have them, first match wins: <c>FNPKG_REGISTRY_USERNAME</c>/<c>FNPKG_REGISTRY_PASSWORD</c>
/// (for every registry, as CI sets them), then <c>$REGISTRY_AUTH_FILE</c> (podman), then <c>$DOCKER_CONFIG/config.json</c>
/// or <c>~/.docker/config.json</c>: <c>auths.&lt;host&gt;.auth</c> (base64 <c>user:pass</c>) or <c>identitytoken</c>.
/// Credential helpers (<c>credsStore</c>, <c>credHelpers</c>) are not run.
/// </summary>
public sealed class CredentialStore
{
    public const string UsernameVariable = "FNPKG_REGISTRY_USERNAME";
    public const string PasswordVariable = "FNPKG_REGISTRY_PASSWORD";

    private readonly RegistryCredential? _fromEnvironment;
    private readonly IReadOnlyList<string> _files;

    public CredentialStore(RegistryCredential? fromEnvironment, IReadOnlyList<string> files)
    {
        _fromEnvironment = fromEnvironment;
        _files = files;
    }

    public static CredentialStore Anonymous { get; } = new(null, Array.Empty<string>());

    public static CredentialStore FromEnvironment()
    {
        var user = Environment.GetEnvironmentVariable(UsernameVariable);
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        var files = new List<string>();
        if (Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE") is { Length: > 0 } authFile) files.Add(authFile);
        var dockerConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        files.Add(Path.Combine(dockerConfig, "config.json"));
        return new CredentialStore(string.IsNullOrEmpty(user) ? null : new RegistryCredential(user, password ?? ""), files);
    }

    /// <summary>The credential for <paramref name="registry"/> (<c>host[:port]</c>), or null for anonymous access.</summary>
    public RegistryCredential? Find(string registry)
    {
        if (_fromEnvironment is not null) return _fromEnvironment;
        foreach (var file in _files)
        {
            if (File.Exists(file) && Read(file, registry) is { } found) return found;
        }
        return null;
    }

    private static RegistryCredential? Read(string file, string registry)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            throw OciErrors.BadAuthFile(file, e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return null;
            foreach (var entry in auths.EnumerateObject())
            {
                if (!string.Equals(HostOf(entry.Name), registry, StringComparison.OrdinalIgnoreCase) || entry.Value.ValueKind != JsonValueKind.Object) continue;
                if (entry.Value.TryGetProperty("identitytoken", out var token) && token.GetString() is { Length: > 0 } identity)
                {
                    return new RegistryCredential(null, null, identity);
                }
                if (entry.Value.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    string decoded;
                    try
                    {
                        decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    }
                    catch (FormatException)
                    {
                        throw OciErrors.BadAuthFile(file, $"auths.{entry.Name}.auth is not base64");
                    }
                    var colon = decoded.IndexOf(':');
                    if (colon < 0) throw OciErrors.BadAuthFile(file, $"auths.{entry.Name}.auth is not base64 of user:password");
                    return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
                }
            }
            return null;
        }
    }

    // Keys are written as "host", "host:port", "https://host/v1/" (docker's legacy form) — compare the host only.
    private static string HostOf(string key)
    {
        var k = key;
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) k = k[(scheme + 3)..];
        var slash = k.IndexOf('/');
        return slash >= 0 ? k[..slash] : k;
    }
}
