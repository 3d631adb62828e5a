namespace FunctionPackage.Sdk.Diagnostics;

/// <summary>
/// Every diagnostic the SDK reports. Ranges: FPKG1xxx entry point, FPKG2xxx packaging.
/// Messages live in Strings.resx under the same key; the README lists code, meaning and fix.
/// </summary>
public static class DiagnosticCodes
{
    // Entry point (validated on every normal build).
    public const string EntryPointMalformed = "FPKG1001";
    public const string EntryPointTypeNotFound = "FPKG1002";
    public const string EntryPointTypeNotUsable = "FPKG1003";
    public const string EntryPointMethodNotFound = "FPKG1004";
    public const string EntryPointMethodOverloaded = "FPKG1005";
    public const string EntryPointAsyncVoid = "FPKG1006";
    public const string EntryPointUnsupportedSignature = "FPKG1007";
    public const string EntryPointNoConstructor = "FPKG1008";
    public const string EntryPointNotDiscovered = "FPKG1009";
    public const string EntryPointAmbiguous = "FPKG1010";
    public const string AssemblyUnreadable = "FPKG1011";
    public const string EntryPointMethodNotUsable = "FPKG1012";

    // Packaging (on publish with FunctionPackage=true).
    public const string AssetsFileMissing = "FPKG2001";
    public const string DependencyHashMissing = "FPKG2002";
    public const string OuterMultiTargetBuild = "FPKG2003";
    public const string SelfContainedNotSupported = "FPKG2004";
    public const string InvalidDependencyMode = "FPKG2005";
    public const string DepsFileMissing = "FPKG2006";
    public const string EmbeddedPackageNotFound = "FPKG2007";
    public const string InvalidPackageIdentity = "FPKG2008";
    public const string PublishFileMissing = "FPKG2009";
    public const string PackageWriteFailed = "FPKG2010";
    public const string UnsupportedPublishMode = "FPKG2011";
    public const string DependencyNotInAssetsFile = "FPKG2012";
    public const string LocalDependencyNotEmbedded = "FPKG2013";
    /// <summary>A message, not an error: which dependency was embedded in a reference-mode package, and why.</summary>
    public const string LocalDependencyEmbedded = "FPKG2014";
    /// <summary>A message, not an error: a recorded source lost its user info or query string.</summary>
    public const string SourceSecretsStripped = "FPKG2015";
}
