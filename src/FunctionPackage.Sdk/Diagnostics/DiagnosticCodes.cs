using FunctionPackage.EntryPoints;

namespace FunctionPackage.Sdk.Diagnostics;

/// <summary>
/// Every diagnostic the SDK reports. Ranges: FPKG1xxx entry point, FPKG2xxx packaging.
/// FPKG2xxx messages live in Strings.resx under the same key; FPKG1xxx ones are FunctionPackage.EntryPoints'
/// (shared with the host and the analyzer). The README lists code, meaning and fix.
/// </summary>
public static class DiagnosticCodes
{
    // Entry point (validated on every normal build): the shared codes, under the names the SDK always used.
    public const string EntryPointMalformed = EntryPointCodes.Malformed;
    public const string EntryPointTypeNotFound = EntryPointCodes.TypeNotFound;
    public const string EntryPointTypeNotUsable = EntryPointCodes.TypeNotUsable;
    public const string EntryPointMethodNotFound = EntryPointCodes.MethodNotFound;
    public const string EntryPointMethodOverloaded = EntryPointCodes.MethodOverloaded;
    public const string EntryPointAsyncVoid = EntryPointCodes.AsyncVoid;
    public const string EntryPointUnsupportedSignature = EntryPointCodes.UnsupportedSignature;
    public const string EntryPointNoConstructor = EntryPointCodes.NoConstructor;
    public const string EntryPointNotDiscovered = EntryPointCodes.NotDiscovered;
    public const string EntryPointAmbiguous = EntryPointCodes.Ambiguous;
    public const string AssemblyUnreadable = EntryPointCodes.AssemblyUnreadable;
    public const string EntryPointMethodNotUsable = EntryPointCodes.MethodNotUsable;

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
    public const string TargetPlatformVersionMissing = "FPKG2016";
    /// <summary>A warning, or an error with FunctionPackageMaxSizeIsError=true: the runtime closure is over FunctionPackageMaxSize.</summary>
    public const string SizeBudgetExceeded = "FPKG2050";
    public const string InvalidMaxSize = "FPKG2051";

    // Pushing to an OCI registry (FunctionPackagePush, after packaging when FunctionPackageRegistry is set).
    public const string PushTargetInvalid = "FPKG2070";
    public const string PushFailed = "FPKG2071";
    public const string PushAccessDenied = "FPKG2072";
    public const string PushPackageUnreadable = "FPKG2073";
}
