using System.Globalization;
using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Installing.Packages;

/// <summary>
/// Bounds on what fnpkg inflates from a package (the function package and every dependency .nupkg), checked on the
/// zip's declared sizes before anything is read or written, and again on the bytes actually inflated (headers can lie).
/// Defaults are far above any real function; each can be raised with an <c>FNPKG_MAX_*</c> environment variable (docs/cli.md).
/// </summary>
public sealed record PackageLimits
{
    /// <summary>function.json and the .nuspec are read into memory: keep them small.</summary>
    public long MaxManifestBytes { get; init; } = 16L * 1024 * 1024;
    /// <summary>One file (an assembly, a data file, an embedded dependency .nupkg).</summary>
    public long MaxEntryBytes { get; init; } = 1L * 1024 * 1024 * 1024;
    /// <summary>All files of one package together.</summary>
    public long MaxTotalBytes { get; init; } = 4L * 1024 * 1024 * 1024;
    public int MaxEntries { get; init; } = 100_000;
    /// <summary>Uncompressed : compressed, for entries of at least <see cref="RatioCheckMinBytes"/> (small files may compress well).</summary>
    public int MaxCompressionRatio { get; init; } = 200;
    public long RatioCheckMinBytes { get; init; } = 1L * 1024 * 1024;

    public const string ManifestVariable = "FNPKG_MAX_MANIFEST_BYTES";
    public const string EntryVariable = "FNPKG_MAX_ENTRY_BYTES";
    public const string TotalVariable = "FNPKG_MAX_TOTAL_BYTES";
    public const string EntriesVariable = "FNPKG_MAX_ENTRIES";
    public const string RatioVariable = "FNPKG_MAX_COMPRESSION_RATIO";

    public static PackageLimits Default { get; } = new();

    /// <summary>The defaults, each replaced by its environment variable when set.</summary>
    /// <exception cref="FunctionPackageException">FPKG5027 (exit 1): a variable is not a positive whole number.</exception>
    public static PackageLimits FromEnvironment() => new()
    {
        MaxManifestBytes = Read(ManifestVariable, Default.MaxManifestBytes),
        MaxEntryBytes = Read(EntryVariable, Default.MaxEntryBytes),
        MaxTotalBytes = Read(TotalVariable, Default.MaxTotalBytes),
        MaxEntries = (int)Math.Min(int.MaxValue, Read(EntriesVariable, Default.MaxEntries)),
        MaxCompressionRatio = (int)Math.Min(int.MaxValue, Read(RatioVariable, Default.MaxCompressionRatio)),
    };

    private static long Read(string variable, long fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        throw new FunctionPackageException(DiagnosticCodes.InvalidLimit, DiagnosticMessages.Format("FPKG5027", variable, text, fallback));
    }
}
