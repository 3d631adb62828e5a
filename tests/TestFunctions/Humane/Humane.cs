using System.Globalization;
using System.Runtime.Loader;
using Humanizer;
using Microsoft.Data.Sqlite;

namespace TestFunctions;

public sealed record HumaneRequest(int Number, int Days);

public sealed record HumaneResult(
    string Words, string French, string SqliteVersion, string DataFile,
    string HumanizerPath, string SqlitePath, string WordsPath, string LoadContext);

/// <summary>Uses a managed package, its French satellite, a native library and a project reference.</summary>
public static class Humane
{
    public static HumaneResult Describe(HumaneRequest request)
    {
        var french = TimeSpan.FromDays(request.Days).Humanize(culture: new CultureInfo("fr"));
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        var version = (string)command.ExecuteScalar()!;
        var here = Path.GetDirectoryName(typeof(Humane).Assembly.Location)!;
        return new HumaneResult(
            Words.Words.Spell(request.Number),
            french,
            version,
            File.ReadAllText(Path.Combine(here, "greeting.txt")).Trim(),
            typeof(NumberToWordsExtension).Assembly.Location,
            typeof(SqliteConnection).Assembly.Location,
            typeof(Words.Words).Assembly.Location,
            AssemblyLoadContext.GetLoadContext(typeof(Humane).Assembly)!.Name ?? "");
    }
}
