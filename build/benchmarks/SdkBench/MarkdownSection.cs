namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// Replaces one script's section of a shared markdown file, between <c>&lt;!-- BEGIN name --&gt;</c> and
/// <c>&lt;!-- END name --&gt;</c>, leaving every other section as it is. Temp file, then move.
/// </summary>
public static class MarkdownSection
{
    private const string Intro = """
        # Benchmarks

        Measured numbers for FunctionPackage, each section written by the script it names (rerun that script to refresh
        it; do not edit a section by hand). Every result states the command that produced it, the machine and the date.
        Performance is never asserted in tests: these numbers are measured and reported here instead.

        """;

    public static void Replace(string path, string name, string content)
    {
        var begin = $"<!-- BEGIN {name} -->";
        var end = $"<!-- END {name} -->";
        var block = $"{begin}\n{content.TrimEnd()}\n{end}";
        var text = File.Exists(path) ? File.ReadAllText(path) : Intro;

        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : text.IndexOf(end, start, StringComparison.Ordinal);
        if (start >= 0 && stop < 0) throw new InvalidOperationException($"{path} has '{begin}' but no '{end}'; fix the file by hand.");
        text = start >= 0
            ? text.Substring(0, start) + block + text.Substring(stop + end.Length)
            : text.TrimEnd() + "\n\n" + block + "\n";

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
