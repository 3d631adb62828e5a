namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>Order statistics over a handful of samples; the median resists the odd slow run on a shared machine.</summary>
public static class Statistics
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("No samples.", nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Least-squares slope and intercept of y over x.</summary>
    public static (double Slope, double Intercept) LinearFit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var meanX = x.Average();
        var meanY = y.Average();
        var covariance = x.Zip(y, (a, b) => (a - meanX) * (b - meanY)).Sum();
        var variance = x.Sum(a => (a - meanX) * (a - meanX));
        var slope = variance == 0 ? 0 : covariance / variance;
        return (slope, meanY - slope * meanX);
    }
}
