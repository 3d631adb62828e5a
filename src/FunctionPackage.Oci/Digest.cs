using System.Security.Cryptography;

namespace FunctionPackage.Oci;

/// <summary>OCI content digests: always <c>sha256:&lt;64 lowercase hex&gt;</c> here.</summary>
public static class Digest
{
    public const string Sha256Prefix = "sha256:";

    // ToHexString + ToLowerInvariant: Convert.ToHexStringLower is .NET 9+, and this library also runs inside the SDK's net8.0 tasks.
    public static string Format(ReadOnlySpan<byte> hash) => Sha256Prefix + Convert.ToHexString(hash).ToLowerInvariant();

    public static string Of(ReadOnlySpan<byte> content) => Format(SHA256.HashData(content));

    public static bool IsValid(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith(Sha256Prefix, StringComparison.Ordinal) && digest[7..].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The hex part, for <c>blobs/sha256/&lt;hex&gt;</c> paths and the referrers tag schema.</summary>
    public static string Hex(string digest) => IsValid(digest) ? digest[7..] : throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
}
