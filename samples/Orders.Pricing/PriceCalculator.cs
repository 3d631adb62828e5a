namespace Orders.Pricing;

public sealed record PricedLine(string Sku, int Quantity, decimal UnitPrice, decimal Amount);

/// <summary>Prices order lines; volume discount of 10% on a line of 10 or more units.</summary>
public sealed class PriceCalculator
{
    public const int VolumeThreshold = 10;
    public const decimal VolumeDiscount = 0.10m;

    private readonly PriceList _prices;

    public PriceCalculator(PriceList prices) => _prices = prices;

    public string Currency => _prices.Currency;

    public PricedLine Price(string sku, int quantity)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "Quantity must be positive.");
        if (!_prices.TryGetPrice(sku, out var unit)) throw new KeyNotFoundException($"Unknown SKU '{sku}'.");
        var amount = unit * quantity;
        if (quantity >= VolumeThreshold) amount -= Math.Round(amount * VolumeDiscount, 2, MidpointRounding.ToEven);
        return new PricedLine(sku, quantity, unit, amount);
    }
}
