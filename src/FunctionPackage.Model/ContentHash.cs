using System.Security.Cryptography;

namespace FunctionPackage.Model;

/// <summary>SHA-512 as base64, the encoding NuGet uses for package content hashes.</summary>
public static class ContentHash
{
    public static string Sha512(Stream stream) => Convert.ToBase64String(SHA512.HashData(stream));

    public static string Sha512(byte[] bytes) => Convert.ToBase64String(SHA512.HashData(bytes));

    public static string Sha512File(string path)
    {
        using var stream = File.OpenRead(path);
        return Sha512(stream);
    }

    /// <summary>deps.json writes hashes as <c>sha512-BASE64</c>; the manifest stores bare base64.</summary>
    public static string StripPrefix(string hash)
        => hash.StartsWith("sha512-", StringComparison.Ordinal) ? hash.Substring("sha512-".Length) : hash;
}
