using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Sources.OciRegistry;
using FunctionPackage.Installing.Verification;
using FunctionPackage.Oci.Registry;
using NuGet.Versioning;

namespace FunctionPackage.Installing.Installation;

/// <summary>What the user named: a .nupkg file, <c>id@version</c> to fetch from a feed, or an <c>oci://</c> artifact.</summary>
public sealed record PackageArgument(string? FilePath, string? Id, NuGetVersion? Version, ImageReference? OciReference = null)
{
    public bool IsFile => FilePath is not null;

    /// <summary>An <c>oci://</c> reference: its identity is inside the package, learnt once it is pulled and verified.</summary>
    public bool IsOci => OciReference is not null;

    public override string ToString() => IsFile ? FilePath! : IsOci ? OciPackageArtifact.Scheme + OciReference : $"{Id}@{Version!.ToNormalizedString()}";

    /// <summary>
    /// A path, or <c>id@version</c> with an id and version that NuGet itself accepts (the same rules verify applies to
    /// a manifest), so a bad argument fails here, before any feed is asked or anything is written.
    /// </summary>
    /// <exception cref="FunctionPackageException">FPKG5110 (exit 1) when the text is neither an existing path nor a valid id@version.</exception>
    public static PackageArgument Parse(string text, string workingDirectory)
    {
        if (OciPackageArtifact.IsOciReference(text))
        {
            return new PackageArgument(null, null, null, OciPackageArtifact.ParseReference(text));
        }
        var full = Path.GetFullPath(text, workingDirectory);
        if (File.Exists(full) || text.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase))
        {
            return new PackageArgument(full, null, null);
        }
        var at = text.LastIndexOf('@');
        if (at <= 0)
        {
            throw Invalid("FPKG5110", text);
        }
        var id = text[..at];
        var versionText = text[(at + 1)..];
        if (!PackageVerifier.IsValidId(id))
        {
            throw Invalid("FPKG5110_2", id, text);
        }
        if (!PackageVerifier.IsValidVersion(versionText))
        {
            throw Invalid("FPKG5110_3", versionText, text);
        }
        return new PackageArgument(null, id, NuGetVersion.Parse(versionText));
    }

    private static FunctionPackageException Invalid(string messageKey, params object[] args)
        => new(DiagnosticCodes.InvalidPackageReference, DiagnosticMessages.Format(messageKey, args));
}
