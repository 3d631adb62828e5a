using System.Globalization;
using System.Text.Json;
using CloudNative.CloudEvents;
using Humanizer;
using Microsoft.Data.Sqlite;

namespace Inventory;

/// <summary>The answer to a stock query; <see cref="LastRestocked"/> is humanized in French.</summary>
public sealed record StockReport(string Sku, string Name, int Quantity, string LastRestocked, string Source);

/// <summary>
/// The entry point: <c>Inventory.StockHandler::HandleAsync</c>. Takes a CloudEvent whose data is
/// <c>{"sku":"..."}</c> and answers from an in-memory SQLite database (native e_sqlite3 from the package's
/// <c>runtimes/&lt;rid&gt;/native/</c>), with French text from Humanizer's <c>fr</c> satellite assembly.
/// </summary>
public static class StockHandler
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr");

    public static async Task<StockReport> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var sku = ReadSku(cloudEvent.Data);

        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(cancellationToken);
        await SeedAsync(connection, cancellationToken);

        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT name, quantity, minutes_since_restock FROM stock WHERE sku = $sku";
        query.Parameters.AddWithValue("$sku", sku);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new KeyNotFoundException($"Unknown SKU '{sku}'.");
        }

        var name = reader.GetString(0);
        var quantity = reader.GetInt32(1);
        var sinceRestock = TimeSpan.FromMinutes(reader.GetInt32(2));
        // e.g. "1 heure, 30 minutes": the words come from fr/Humanizer.resources.dll.
        var lastRestocked = sinceRestock.Humanize(precision: 2, culture: French);
        return new StockReport(sku, name, quantity, lastRestocked, cloudEvent.Source?.ToString() ?? "");
    }

    private static async Task SeedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var seed = connection.CreateCommand();
        seed.CommandText = """
            CREATE TABLE stock (sku TEXT PRIMARY KEY, name TEXT NOT NULL, quantity INTEGER NOT NULL, minutes_since_restock INTEGER NOT NULL);
            INSERT INTO stock VALUES ('APPLE', 'Pomme', 120, 90), ('BREAD', 'Pain', 14, 2880), ('COFFEE', 'Café', 0, 45);
            """;
        await seed.ExecuteNonQueryAsync(cancellationToken);
    }

    // Event formatters hand data over as a JsonElement (structured/JSON), a string or bytes (binary mode).
    private static string ReadSku(object? data)
    {
        JsonElement json = data switch
        {
            JsonElement element => element,
            string text => JsonDocument.Parse(text).RootElement,
            byte[] bytes => JsonDocument.Parse(bytes).RootElement,
            ReadOnlyMemory<byte> memory => JsonDocument.Parse(memory).RootElement,
            null => throw new ArgumentException("The event has no data; expected {\"sku\":\"...\"}."),
            _ => JsonSerializer.SerializeToElement(data),
        };
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("sku", out var sku) || sku.ValueKind != JsonValueKind.String)
        {
            throw new ArgumentException("Expected event data {\"sku\":\"...\"}.");
        }
        return sku.GetString()!;
    }
}
