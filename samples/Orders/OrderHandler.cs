using Orders.Pricing;

namespace Orders;

public sealed record OrderLine(string Sku, int Quantity);

public sealed record Order(string CustomerId, IReadOnlyList<OrderLine> Lines);

public sealed record Quote(string CustomerId, string Currency, decimal Total, IReadOnlyList<PricedLine> Lines);

/// <summary>The entry point: <c>Orders.OrderHandler::HandleAsync</c>.</summary>
public static class OrderHandler
{
    // Read once per load of the function; the file ships beside the assembly (function/data/prices.json).
    private static readonly Lazy<PriceCalculator> Calculator = new(() => new PriceCalculator(PriceList.Load(PriceListPath)));

    public static string PriceListPath =>
        Path.Combine(Path.GetDirectoryName(typeof(OrderHandler).Assembly.Location)!, "data", "prices.json");

    public static Task<Quote> HandleAsync(Order order, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (order.Lines is null || order.Lines.Count == 0)
        {
            throw new ArgumentException("An order needs at least one line.", nameof(order));
        }

        var calculator = Calculator.Value;
        var lines = order.Lines.Select(line => calculator.Price(line.Sku, line.Quantity)).ToList();
        return Task.FromResult(new Quote(order.CustomerId, calculator.Currency, lines.Sum(l => l.Amount), lines));
    }
}
