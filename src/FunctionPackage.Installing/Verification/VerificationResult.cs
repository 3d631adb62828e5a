using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Model;

namespace FunctionPackage.Installing.Verification;

/// <summary>One verification failure: its FPKG code and a message that names the fix.</summary>
public sealed record VerificationIssue(string Code, string Message);

/// <summary>What <see cref="PackageVerifier"/> found. <see cref="Manifest"/> is null when function.json could not be read.</summary>
public sealed class VerificationResult
{
    public required string PackagePath { get; init; }
    public FunctionManifest? Manifest { get; init; }
    /// <summary>Base64 SHA-512 of the function.json bytes; the install receipt records it.</summary>
    public string? ManifestSha512 { get; init; }
    public required IReadOnlyList<VerificationIssue> Issues { get; init; }
    public bool IsValid => Issues.Count == 0 && Manifest is not null;

    /// <summary>Throws the first issue as a coded error (exit code 2) when the package is not valid.</summary>
    public FunctionManifest EnsureValid()
    {
        if (IsValid) return Manifest!;
        var first = Issues.Count > 0 ? Issues[0] : new VerificationIssue(DiagnosticCodes.ManifestMissing, "function.json is missing.");
        var more = Issues.Count > 1 ? $" ({Issues.Count - 1} more problem(s); run 'fnpkg verify {PackagePath}' to list them)" : "";
        throw new FunctionPackageException(first.Code, StripCode(first) + more);
    }

    private static string StripCode(VerificationIssue issue) => issue.Message;
}
