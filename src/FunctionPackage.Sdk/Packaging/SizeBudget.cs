using System.Globalization;
using FunctionPackage.Sdk.Diagnostics;

namespace FunctionPackage.Sdk.Packaging;

/// <summary>One part of the runtime closure and its unzipped size: an own file, or a dependency's published assets.</summary>
public sealed record SizeContributor(string Name, long Size);

/// <summary>
/// <c>FunctionPackageMaxSize</c>: a budget on the function's unzipped runtime closure — every file it runs with, the own
/// files plus each dependency's published assets, embedded or referenced — the size deploy targets limit (Lambda's
/// 250 MB is unzipped). The .nupkg is smaller and reported beside it. docs/package-format.md, "Size budget".
/// </summary>
public static class SizeBudget
{
    /// <summary>How many contributors the diagnostic names.</summary>
    public const int ContributorsNamed = 5;

    /// <summary>
    /// Bytes, or a number with a KB/MB/GB suffix (binary: 1 KB = 1024 bytes, as Lambda's limits count); case and a space
    /// before the suffix do not matter. Empty: no budget. Anything else is FPKG2051.
    /// </summary>
    public static long? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        var units = new (string Suffix, long Factor)[] { ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1) };
        var factor = 1L;
        foreach (var (suffix, unitFactor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                factor = unitFactor;
                text = text[..^suffix.Length].TrimEnd();
                break;
            }
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0
            || number * factor > long.MaxValue)
            throw new FunctionPackageException(DiagnosticCodes.InvalidMaxSize, value);
        return (long)Math.Ceiling(number * factor);
    }

    /// <summary>
    /// Null when there is no budget or the closure fits; over it, the FPKG2050 message as a warning, or with
    /// <see cref="FunctionPackageRequest.MaxSizeIsError"/> the error, after deleting the package an earlier publish left
    /// at the output path: an over-budget publish leaves no package behind.
    /// </summary>
    public static string? Enforce(FunctionPackageRequest request, IEnumerable<string> ownFileSources)
    {
        var maxSize = Parse(request.MaxSize);
        if (maxSize is null) return null;
        var arguments = Exceeded(maxSize.Value, Contributors(request, ownFileSources));
        if (arguments is null) return null;
        if (!request.MaxSizeIsError) return DiagnosticMessages.Format(DiagnosticCodes.SizeBudgetExceeded, arguments);
        if (File.Exists(request.OutputPath)) File.Delete(request.OutputPath);
        throw new FunctionPackageException(DiagnosticCodes.SizeBudgetExceeded, arguments);
    }

    /// <summary>The closure's parts, biggest first (then by name, so the message is stable).</summary>
    public static IReadOnlyList<SizeContributor> Contributors(FunctionPackageRequest request, IEnumerable<string> ownFileSources)
    {
        var contributors = ownFileSources
            .Select(source => new SizeContributor(Path.GetRelativePath(request.PublishDirectory, source).Replace('\\', '/'), new FileInfo(source).Length))
            .ToList();
        foreach (var package in request.PackageAssets.GroupBy(a => $"{a.PackageId} {a.PackageVersion}", StringComparer.OrdinalIgnoreCase))
        {
            // The published copy is the asset the function runs with; one missing (a stale publish) counts nothing.
            var size = package.Select(a => new FileInfo(Path.Combine(request.PublishDirectory, a.Destination)))
                .Where(f => f.Exists).Sum(f => f.Length);
            contributors.Add(new SizeContributor(package.Key, size));
        }
        return contributors.OrderByDescending(c => c.Size).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The FPKG2050 message arguments, or null when the closure fits.</summary>
    public static object[]? Exceeded(long maxSize, IReadOnlyList<SizeContributor> contributors)
    {
        var total = contributors.Sum(c => c.Size);
        if (total <= maxSize) return null;
        var biggest = string.Join(", ", contributors.Take(ContributorsNamed).Select(c => $"{c.Name} ({Format(c.Size)})"));
        return new object[] { Format(total), total, Format(maxSize), maxSize, biggest };
    }

    /// <summary>Binary units with one decimal, e.g. <c>1.5 MB</c>.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024) return $"{bytes} B";
        var units = new[] { "KB", "MB", "GB" };
        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
