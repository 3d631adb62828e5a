using System.Text.Json;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Two requests per sample and the checks of their answers. Each answer proves something about the install:
/// Orders reads samples/Orders/data/prices.json (a data file) through Orders.Pricing (a project reference) with
/// Newtonsoft.Json (a dependency from the packages folder); Inventory answers from SQLite (native
/// runtimes/linux-x64/native/libe_sqlite3.so) in French (satellite fr/Humanizer.resources.dll; English would mean the
/// satellite did not load).
/// </summary>
public sealed record SampleAnswers(string First, string Second, Action<JsonElement, string> CheckFirst, Action<JsonElement, string> CheckSecond)
{
    /// <summary>The event source the function sees for a plain (non-CloudEvents) POST.</summary>
    public const string PlainRequestSource = "urn:functionpackage:http";

    /// <summary>The event source the function sees for <c>fnpkg invoke</c>.</summary>
    public const string InvokeSource = "urn:functionpackage:invoke";

    public static readonly SampleAnswers Hello = new(
        """{"name":"Ada"}""",
        """{"name":"  Grace "}""",
        (result, _) => Assert.Equal("Hello, Ada!", result.GetProperty("message").GetString()),
        (result, _) => Assert.Equal("Hello, Grace!", result.GetProperty("message").GetString()));

    // prices.json: APPLE 0.40, BREAD 2.10, COFFEE 7.95 EUR; a line of 10 or more units gets 10% off.
    public static readonly SampleAnswers Orders = new(
        """{"customerId":"c-42","lines":[{"sku":"APPLE","quantity":10},{"sku":"COFFEE","quantity":1}]}""",
        """{"customerId":"c-7","lines":[{"sku":"bread","quantity":2}]}""",
        (result, _) =>
        {
            Assert.Equal("c-42", result.GetProperty("customerId").GetString());
            Assert.Equal("EUR", result.GetProperty("currency").GetString());
            Assert.Equal(11.55m, result.GetProperty("total").GetDecimal()); // 10 x 0.40 - 10% + 7.95
            var lines = result.GetProperty("lines").EnumerateArray().ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal(0.40m, lines[0].GetProperty("unitPrice").GetDecimal());
            Assert.Equal(3.60m, lines[0].GetProperty("amount").GetDecimal());
            Assert.Equal(7.95m, lines[1].GetProperty("amount").GetDecimal());
        },
        (result, _) =>
        {
            Assert.Equal("c-7", result.GetProperty("customerId").GetString());
            Assert.Equal(4.20m, result.GetProperty("total").GetDecimal());
        });

    // The stock table in StockHandler: APPLE (Pomme, 120, restocked 90 min ago), BREAD (Pain, 14, 2880 min ago).
    public static readonly SampleAnswers Inventory = new(
        """{"sku":"APPLE"}""",
        """{"sku":"BREAD"}""",
        (result, source) =>
        {
            Assert.Equal("APPLE", result.GetProperty("sku").GetString());
            Assert.Equal("Pomme", result.GetProperty("name").GetString());
            Assert.Equal(120, result.GetProperty("quantity").GetInt32());
            Assert.Equal("1 heure, 30 minutes", result.GetProperty("lastRestocked").GetString());
            Assert.Equal(source, result.GetProperty("source").GetString());
        },
        (result, source) =>
        {
            Assert.Equal("Pain", result.GetProperty("name").GetString());
            Assert.Equal(14, result.GetProperty("quantity").GetInt32());
            Assert.Equal("2 jours", result.GetProperty("lastRestocked").GetString());
            Assert.Equal(source, result.GetProperty("source").GetString());
        });

    // Counter.fs: lower-cased words split on spaces and punctuation, the three most frequent (ties alphabetically), all
    // computed with FSharp.Core (Array.countBy, sortBy, truncate): an answer means FSharp.Core loaded from the install.
    public static readonly SampleAnswers WordCount = new(
        """{"text":"The cat and the hat, and the bat."}""",
        """{"text":"Ada! ada?"}""",
        (result, _) =>
        {
            Assert.Equal(8, result.GetProperty("words").GetInt32());
            Assert.Equal(5, result.GetProperty("distinct").GetInt32());
            var top = result.GetProperty("top").EnumerateArray().Select(t => $"{t.GetProperty("word").GetString()}={t.GetProperty("count").GetInt32()}");
            Assert.Equal(new[] { "the=3", "and=2", "bat=1" }, top);
        },
        (result, _) =>
        {
            Assert.Equal(2, result.GetProperty("words").GetInt32());
            Assert.Equal(1, result.GetProperty("distinct").GetInt32());
        });
}
