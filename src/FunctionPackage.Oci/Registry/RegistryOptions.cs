namespace FunctionPackage.Oci.Registry;

/// <summary>How to reach registries: which may be plain HTTP, timeouts, upload chunking, where credentials come from.</summary>
public sealed record RegistryOptions
{
    /// <summary>
    /// Registries (<c>host[:port]</c>) spoken to over plain HTTP. Every other registry is HTTPS only: plain HTTP is
    /// never a fallback, only something a user names.
    /// </summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The longest wait for one request's answer headers, and for each read or write of a blob's bytes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Blobs larger than this are uploaded in PATCH chunks of this size; smaller ones in one PUT.</summary>
    public long ChunkSize { get; init; } = 32L * 1024 * 1024;

    /// <summary>Largest manifest, index or config read into memory (the spec's suggested manifest limit is 4 MiB).</summary>
    public int MaxDocumentSize { get; init; } = 4 * 1024 * 1024;

    public CredentialStore Credentials { get; init; } = CredentialStore.FromEnvironment();
}
