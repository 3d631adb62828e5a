using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;

namespace FunctionPackage.Exporting.Targets.Oci;

/// <summary>
/// The .NET shared frameworks a base image has (name → versions), so an export is refused before anything is written
/// when the image cannot run the host and the function. Microsoft's runtime images say it in their config's Env
/// (<c>DOTNET_VERSION</c> = Microsoft.NETCore.App, <c>ASPNET_VERSION</c> = Microsoft.AspNetCore.App, and the aspnet
/// image has both); any other image is read from its layers: the <c>…/dotnet/shared/&lt;name&gt;/&lt;version&gt;/</c>
/// folders in the tar listings (whiteouts remove a version an upper layer deleted). That scan fetches and reads every
/// layer, so its answer is cached under the layers' digests (what the layers hold decides it).
/// </summary>
public static partial class BaseImageFrameworks
{
    private static readonly (string Variable, string Framework)[] EnvVariables =
    {
        ("DOTNET_VERSION", "Microsoft.NETCore.App"),
        ("ASPNET_VERSION", "Microsoft.AspNetCore.App"),
    };

    [GeneratedRegex(@"(?:^|/)dotnet/shared/(?<name>[^/]+)/(?<version>\d+\.\d+\.\d+[^/]*)/")]
    private static partial Regex SharedFolder();

    /// <summary>The cache entry's kind; the key also holds a format version, bumped when the scan's rules change.</summary>
    private const string CacheKind = "base-frameworks";

    public static async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ReadAsync(BaseImage baseImage, BlobResolver blobs, ExportCache? cache, CancellationToken cancellationToken)
    {
        var fromEnv = FromEnv(ImageConfig.Parse(baseImage.ConfigBytes).Env);
        if (fromEnv.Count > 0) return fromEnv;
        var key = ExportCache.Key(baseImage.Layers.Select(l => l.Descriptor.Digest).Prepend("base-frameworks/1"));
        if (cache?.TryRead(CacheKind, key) is { } cached && TryParse(cached) is { } known) return known;
        var scanned = await ScanAsync(baseImage, blobs, cancellationToken).ConfigureAwait(false);
        cache?.Write(CacheKind, key, JsonSerializer.SerializeToUtf8Bytes(scanned.ToDictionary(f => f.Key, f => f.Value.Order(StringComparer.Ordinal).ToArray())));
        return scanned;
    }

    private static Dictionary<string, IReadOnlySet<string>>? TryParse(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string[]>>(json)?
                .ToDictionary(f => f.Key, f => (IReadOnlySet<string>)new SortedSet<string>(f.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null; // a damaged entry: scan again (and overwrite it)
        }
    }

    private static async Task<Dictionary<string, IReadOnlySet<string>>> ScanAsync(BaseImage baseImage, BlobResolver blobs, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var layer in baseImage.Layers)
        {
            var path = await blobs.LocalPathAsync(layer, cancellationToken).ConfigureAwait(false);
            await using var file = File.OpenRead(path);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                var whiteout = name.Replace("/.wh.", "/", StringComparison.Ordinal) + "/";
                var match = SharedFolder().Match(name.Contains("/.wh.", StringComparison.Ordinal) ? whiteout : name.TrimEnd('/') + "/");
                if (!match.Success) continue;
                var versions = found.TryGetValue(match.Groups["name"].Value, out var set) ? set : found[match.Groups["name"].Value] = new SortedSet<string>(StringComparer.Ordinal);
                if (name.Contains("/.wh.", StringComparison.Ordinal)) versions.Remove(match.Groups["version"].Value);
                else versions.Add(match.Groups["version"].Value);
            }
        }
        return found.Where(f => f.Value.Count > 0).ToDictionary(f => f.Key, f => (IReadOnlySet<string>)f.Value, StringComparer.Ordinal);
    }

    internal static Dictionary<string, IReadOnlySet<string>> FromEnv(IEnumerable<string> env)
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var entry in env)
        {
            var equals = entry.IndexOf('=');
            if (equals <= 0) continue;
            foreach (var (variable, framework) in EnvVariables)
            {
                // The aspnet image's DOTNET_VERSION names the runtime it was built on: both are shared frameworks there.
                if (entry[..equals] == variable && entry.Length > equals + 1) result[framework] = new HashSet<string> { entry[(equals + 1)..] };
            }
        }
        return result;
    }

    /// <summary>"Microsoft.NETCore.App 10.0.1, Microsoft.AspNetCore.App 10.0.1", or "none".</summary>
    public static string Describe(IReadOnlyDictionary<string, IReadOnlySet<string>> frameworks) =>
        frameworks.Count == 0 ? "none" : string.Join(", ", frameworks.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value.Select(v => $"{f.Key} {v}")));

    /// <summary>
    /// An empty dotnet root with <c>shared/&lt;name&gt;/&lt;version&gt;/</c> folders: what <see cref="Installing.Installation.RuntimeFrameworkChecker"/>
    /// reads, so the install's own runtime check judges the image (one rule for a machine and an image).
    /// </summary>
    public static string WriteStandInRoot(IReadOnlyDictionary<string, IReadOnlySet<string>> frameworks, string folder)
    {
        foreach (var (name, versions) in frameworks)
        {
            foreach (var version in versions) Directory.CreateDirectory(Path.Combine(folder, "shared", name, version));
        }
        Directory.CreateDirectory(folder);
        return folder;
    }
}
