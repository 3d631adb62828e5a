using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Cli.Tests.Installing;

/// <summary>The install decision as a table: receipt or not, and which pinned shared packages are present.</summary>
public sealed class InstallPlanTests
{
    private const string FunctionDirectory = "/root/functions/hello.function/1.0.0";

    private static InstallReceipt Receipt(params string[] dependencyPaths) => new()
    {
        Id = "Hello.Function",
        Version = "1.0.0",
        Dependencies = dependencyPaths.Select(p => new ReceiptDependency { Id = p.Split('/')[0], Version = p.Split('/')[1], Path = p }).ToList(),
    };

    [Theory]
    // receipt?, the receipt's dependencies, the ones present in packages/, expected action, expected missing
    [InlineData(false, "", "", InstallAction.Full, "")]
    [InlineData(false, "", "dep.a/1.0.0", InstallAction.Full, "")]
    [InlineData(true, "", "", InstallAction.NoOp, "")]
    [InlineData(true, "dep.a/1.0.0,dep.b/2.0.0", "dep.a/1.0.0,dep.b/2.0.0", InstallAction.NoOp, "")]
    [InlineData(true, "dep.a/1.0.0,dep.b/2.0.0", "dep.a/1.0.0", InstallAction.Repair, "dep.b/2.0.0")]
    [InlineData(true, "dep.a/1.0.0,dep.b/2.0.0", "", InstallAction.Repair, "dep.a/1.0.0,dep.b/2.0.0")]
    public void Decide(bool hasReceipt, string pinned, string present, InstallAction expected, string expectedMissing)
    {
        static string[] List(string csv) => csv.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var presentSet = List(present).ToHashSet(StringComparer.Ordinal);
        var receipt = hasReceipt ? Receipt(List(pinned)) : null;

        var plan = InstallPlan.Decide(FunctionDirectory, receipt, presentSet.Contains);

        Assert.Equal(expected, plan.Action);
        Assert.Equal(List(expectedMissing), plan.MissingDependencies);
        Assert.Equal(FunctionDirectory, plan.FunctionDirectory);
        Assert.Same(receipt, plan.Receipt);
    }
}
