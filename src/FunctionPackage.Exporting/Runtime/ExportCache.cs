using System.Security.Cryptography;
using System.Text;
using FunctionPackage.Shared;

namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// A content-addressed cache of what an export derives from immutable inputs, so a second export does not derive it
/// again: an entry's key is the sha256 of its inputs (digests, content hashes, the format version of the entry), so a
/// hit is exactly what the work would give. Entries are written to a temp file and renamed into place (concurrent
/// exports never see half an entry; two writers of one key write the same bytes). The cache is optional: a missing,
/// unreadable or unwritable entry only means the work is done again. Folder: <c>$FNPKG_EXPORT_CACHE</c>, else
/// <c>~/.local/share/fnpkg/export-cache</c> (the platform's local app data); delete it at any time.
/// </summary>
public sealed class ExportCache
{
    public const string FolderVariable = "FNPKG_EXPORT_CACHE";

    public ExportCache(string folder) => Folder = Path.GetFullPath(folder);

    public string Folder { get; }

    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fnpkg", "export-cache");

    /// <summary>The key of some inputs: sha256 (hex) of them, one a line, in the order given.</summary>
    public static string Key(IEnumerable<string> inputs) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", inputs))));

    /// <summary>The entry's path: <c>&lt;folder&gt;/&lt;kind&gt;/&lt;key&gt;</c>.</summary>
    public string PathOf(string kind, string key) => Path.Combine(Folder, kind, key);

    public byte[]? TryRead(string kind, string key)
    {
        try
        {
            var path = PathOf(kind, key);
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Write(string kind, string key, byte[] content)
    {
        try
        {
            AtomicFile.Write(PathOf(kind, key), stream => stream.Write(content));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not cached: the next export derives it again.
        }
    }
}
