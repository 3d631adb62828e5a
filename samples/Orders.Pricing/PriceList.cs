using Newtonsoft.Json;

namespace Orders.Pricing;

/// <summary>Unit prices by SKU, in one currency, read from a JSON document.</summary>
public sealed class PriceList
{
    private readonly IReadOnlyDictionary<string, decimal> _prices;

    private PriceList(string currency, IReadOnlyDictionary<string, decimal> prices)
    {
        Currency = currency;
        _prices = prices;
    }

    public string Currency { get; }

    /// <summary>Reads <c>{ "currency": "EUR", "prices": { "SKU": 1.23 } }</c>.</summary>
    public static PriceList Load(string path)
    {
        var document = JsonConvert.DeserializeObject<PriceListDocument>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} is empty.");
        if (string.IsNullOrEmpty(document.Currency) || document.Prices is null)
        {
            throw new InvalidDataException($"{path} needs 'currency' and 'prices'.");
        }
        return new PriceList(document.Currency, new Dictionary<string, decimal>(document.Prices, StringComparer.OrdinalIgnoreCase));
    }

    public bool TryGetPrice(string sku, out decimal price) => _prices.TryGetValue(sku, out price);

    private sealed class PriceListDocument
    {
        [JsonProperty("currency")]
        public string? Currency { get; set; }

        [JsonProperty("prices")]
        public Dictionary<string, decimal>? Prices { get; set; }
    }
}
