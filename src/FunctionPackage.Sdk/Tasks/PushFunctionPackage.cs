using System.IO.Compression;
using FunctionPackage.Model;
using FunctionPackage.Oci;
using FunctionPackage.Oci.Packages;
using FunctionPackage.Oci.Registry;
using FunctionPackage.Sdk.Diagnostics;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace FunctionPackage.Sdk.Tasks;

/// <summary>
/// <c>FunctionPackagePush</c>: stores the package just written in an OCI registry, exactly as <c>fnpkg push</c> does
/// (the same <see cref="FunctionPackageArtifact.PushAsync"/>, the same credentials from the environment, podman's and
/// Docker's config files). A thin layer: it names the target, reads the package's identity and SBOM, maps failures to
/// FPKG2070–2079.
/// </summary>
public sealed class PushFunctionPackage : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string PackagePath { get; set; } = "";
    /// <summary><c>FunctionPackageRegistry</c>: host[:port].</summary>
    [Required] public string Registry { get; set; } = "";
    /// <summary><c>FunctionPackageRepository</c>: the repository in the registry (default: the package id, lowercased).</summary>
    [Required] public string Repository { get; set; } = "";
    /// <summary><c>FunctionPackageRegistryTag</c>: empty for the package's version.</summary>
    public string Tag { get; set; } = "";
    /// <summary><c>FunctionPackageInsecureRegistries</c>: registries reached over plain HTTP.</summary>
    public string[] InsecureRegistries { get; set; } = Array.Empty<string>();

    /// <summary>The pinned reference, <c>oci://registry/repository:tag@sha256:…</c>.</summary>
    [Output] public string PushedReference { get; set; } = "";

    public void Cancel() => _cancellation.Cancel();

    public override bool Execute()
    {
        FunctionManifest manifest;
        byte[]? sbom;
        try
        {
            using var zip = ZipFile.OpenRead(PackagePath);
            using (var stream = (zip.GetEntry(FunctionPackageFormat.ManifestFileName) ?? throw new InvalidDataException($"no {FunctionPackageFormat.ManifestFileName}")).Open())
            {
                manifest = FunctionManifestSerializer.Deserialize(stream);
            }
            sbom = zip.GetEntry(FunctionPackageFormat.SbomPath) is { } entry ? ReadAll(entry) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            return Error(DiagnosticCodes.PushPackageUnreadable, PackagePath, ex.Message);
        }

        // The manifest's version, as fnpkg push tags it; a tag cannot hold '+' (build metadata), the normalized version has none.
        var tag = Tag.Length > 0 ? Tag : manifest.Version;
        ImageReference target;
        try
        {
            target = ImageReference.Parse($"{Registry}/{Repository}:{tag}");
        }
        catch (OciException ex)
        {
            return Error(DiagnosticCodes.PushTargetInvalid, Registry, Repository, tag, ex.Message);
        }

        var options = new RegistryOptions { InsecureRegistries = new HashSet<string>(InsecureRegistries.Select(r => r.Trim()).Where(r => r.Length > 0), StringComparer.OrdinalIgnoreCase) };
        try
        {
            using var client = new RegistryClient(target.Registry, options);
            var pushed = FunctionPackageArtifact.PushAsync(client, target.Repository, tag, PackagePath, manifest.Id, manifest.Version, sbom, _cancellation.Token)
                .GetAwaiter().GetResult();
            PushedReference = $"oci://{target.Registry}/{target.Repository}:{tag}@{pushed.Digest}";
            Log.LogMessage(MessageImportance.High, pushed.AlreadyPresent
                ? $"  {manifest.Id} {manifest.Version} is already at {PushedReference}; nothing uploaded"
                : $"  {manifest.Id} {manifest.Version} -> {PushedReference} ({pushed.BytesUploaded} bytes uploaded{(pushed.SbomReferrer is null ? "" : $", SBOM referrer {pushed.SbomReferrer.Digest}")})");
        }
        catch (OciException ex) when (ex.Code is OciErrors.InvalidReference)
        {
            return Error(DiagnosticCodes.PushTargetInvalid, Registry, Repository, tag, ex.Message);
        }
        catch (OciException ex) when (OciErrors.IsAccessDenied(ex.Code))
        {
            return Error(DiagnosticCodes.PushAccessDenied, $"oci://{target}", ex.Message);
        }
        catch (OciException ex)
        {
            return Error(DiagnosticCodes.PushFailed, $"oci://{target}", ex.Message);
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("The push to oci://{0} was cancelled; the tag was not written.", target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Error(DiagnosticCodes.PushPackageUnreadable, PackagePath, ex.Message);
        }
        return !Log.HasLoggedErrors;
    }

    private bool Error(string code, params object[] args)
    {
        Log.LogError(null, code, null, ProjectFile, 0, 0, 0, 0, DiagnosticMessages.Format(code, args));
        return false;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
