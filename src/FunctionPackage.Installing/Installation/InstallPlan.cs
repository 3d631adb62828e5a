namespace FunctionPackage.Installing.Installation;

/// <summary>What an install has to do, decided once from what the install root already holds.</summary>
public enum InstallAction
{
    /// <summary>The function and every shared package it pins are complete: write nothing.</summary>
    NoOp,
    /// <summary>The function folder is complete but shared packages it pins are missing: fetch only those.</summary>
    Repair,
    /// <summary>The function is not installed: extract it, fetch its packages, write the receipt, rename into place.</summary>
    Full,
}

/// <summary>
/// The install decision. A function folder is renamed into place complete with its receipt, so the receipt decides:
/// none is <see cref="InstallAction.Full"/>; one whose dependencies are all in <c>packages/</c> is
/// <see cref="InstallAction.NoOp"/>; otherwise <see cref="InstallAction.Repair"/> of <see cref="MissingDependencies"/>
/// (the receipt's dependency paths, <c>&lt;lower id&gt;/&lt;lower version&gt;</c>, not in <c>packages/</c>; empty unless Repair).
/// </summary>
public sealed record InstallPlan(InstallAction Action, string FunctionDirectory, InstallReceipt? Receipt, IReadOnlyList<string> MissingDependencies)
{
    /// <summary><paramref name="isDependencyPresent"/>: whether a dependency path is complete in <c>packages/</c> (its <c>.nupkg.metadata</c> exists).</summary>
    public static InstallPlan Decide(string functionDirectory, InstallReceipt? receipt, Func<string, bool> isDependencyPresent)
    {
        if (receipt is null) return new InstallPlan(InstallAction.Full, functionDirectory, null, Array.Empty<string>());
        var missing = receipt.Dependencies.Select(d => d.Path).Where(path => !isDependencyPresent(path)).ToList();
        return new InstallPlan(missing.Count == 0 ? InstallAction.NoOp : InstallAction.Repair, functionDirectory, receipt, missing);
    }
}
