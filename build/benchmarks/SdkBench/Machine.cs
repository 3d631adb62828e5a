namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>Facts about the machine recorded next to the numbers, so a noisy run can be recognised as one.</summary>
public static class Machine
{
    /// <summary>The 1/5/15-minute load averages, or "n/a" where /proc/loadavg does not exist.</summary>
    public static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return "n/a";
        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? $"{parts[0]} / {parts[1]} / {parts[2]}" : "n/a";
    }
}
