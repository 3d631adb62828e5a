namespace FunctionPackage.Oci;

/// <summary>
/// Every FPKG6xxx code and its message, in one place. Each message says what to do about it.
/// docs/oci.md has one row per code (a test checks).
/// </summary>
public static class OciErrors
{
    public const string LayerInput = "FPKG6000";
    public const string RegistryUnreachable = "FPKG6001";
    public const string Timeout = "FPKG6002";
    public const string Unauthorized = "FPKG6003";
    public const string Forbidden = "FPKG6004";
    public const string ManifestNotFound = "FPKG6005";
    public const string BlobNotFound = "FPKG6006";
    public const string ServerError = "FPKG6007";
    public const string ConnectionDropped = "FPKG6008";
    public const string DigestMismatch = "FPKG6009";
    public const string UnknownMediaType = "FPKG6010";
    public const string NoMatchingPlatform = "FPKG6011";
    public const string TlsFailed = "FPKG6012";
    public const string InvalidReference = "FPKG6013";
    public const string BadCredentialsFile = "FPKG6014";
    public const string TokenEndpointFailed = "FPKG6015";
    public const string UnexpectedResponse = "FPKG6016";
    public const string InvalidBaseConfig = "FPKG6017";
    public const string OutputFailed = "FPKG6018";
    public const string BlobMissingLocally = "FPKG6019";
    public const string NotExpectedArtifact = "FPKG6020";
    public const string NotAReferrer = "FPKG6021";

    /// <summary>The failures that mean "not allowed" (401, 403, unreadable credentials, no token): the one list fnpkg's and the SDK's codes map from.</summary>
    public static bool IsAccessDenied(string code) => code is Unauthorized or Forbidden or BadCredentialsFile or TokenEndpointFailed;

    internal static OciException LayerInputError(string detail) =>
        new(LayerInput, $"{detail} Fix the input folder or file list: regular files, directories and symbolic links with relative paths only.");

    internal static OciException Unreachable(Uri uri, Exception inner) =>
        new(RegistryUnreachable, $"The registry at {uri.GetLeftPart(UriPartial.Authority)} could not be reached ({inner.Message}). Check the registry name and port, and that it is running.", inner);

    internal static OciException TimedOut(Uri uri, TimeSpan timeout) =>
        new(Timeout, $"The registry did not answer {uri} within {timeout.TotalSeconds:0.#} s. Retry, or raise the registry timeout (RegistryOptions.Timeout).");

    internal static OciException NotAuthorized(string registry, string what, bool hadCredentials) =>
        new(Unauthorized, hadCredentials
            ? $"The registry {registry} refused the credentials for {what} (401). Log in again (`podman login {registry}` or `docker login {registry}`), or fix FNPKG_REGISTRY_USERNAME/FNPKG_REGISTRY_PASSWORD."
            : $"The registry {registry} needs credentials for {what} (401) and none were found. Log in (`podman login {registry}` writes $REGISTRY_AUTH_FILE, `docker login {registry}` writes ~/.docker/config.json), or set FNPKG_REGISTRY_USERNAME and FNPKG_REGISTRY_PASSWORD.");

    internal static OciException NotAllowed(string registry, string what) =>
        new(Forbidden, $"The registry {registry} denied {what} (403): the credentials are valid but lack permission. Ask the registry's owner for pull/push rights on that repository, or use another repository.");

    internal static OciException NoManifest(string registry, string repository, string reference) =>
        new(ManifestNotFound, $"The registry {registry} has no manifest {repository}:{reference} (404). Check the repository name and the tag or digest (`skopeo list-tags docker://{registry}/{repository}`).");

    internal static OciException NoBlob(string registry, string repository, string digest) =>
        new(BlobNotFound, $"The registry {registry} has no blob {digest} in {repository} (404). The image refers to a layer the registry lost or never received: push the image again.");

    internal static OciException Server(Uri uri, int status, string body) =>
        new(ServerError, $"The registry failed on {uri} with {status}{(body.Length > 0 ? $": {body}" : "")}. This is the registry's fault: retry later, or check the registry's logs.");

    internal static OciException Dropped(string what, Exception inner) =>
        new(ConnectionDropped, $"The connection to the registry dropped while transferring {what} ({inner.Message}). Retry; nothing partial was kept.", inner);

    internal static OciException Mismatch(string what, string expected, string actual) =>
        new(DigestMismatch, $"{what} has digest {actual}, expected {expected}: the registry or a proxy served other bytes. Nothing was kept; retry, and if it persists the registry's storage is corrupt.");

    internal static OciException UnknownType(string what, string? mediaType) =>
        new(UnknownMediaType, $"{what} has media type '{mediaType ?? "(none)"}', which is neither an OCI 1.1 nor a Docker v2 image manifest, index or config. Use an OCI or Docker v2 image.");

    internal static OciException NoPlatform(string reference, string wanted, IEnumerable<string> available) =>
        new(NoMatchingPlatform, $"The image {reference} has no manifest for {wanted}; it has: {string.Join(", ", available)}. Choose a base image built for {wanted}, or ask for one of those platforms.");

    internal static OciException Tls(Uri uri, Exception inner) =>
        new(TlsFailed, $"The TLS handshake with {uri.GetLeftPart(UriPartial.Authority)} failed ({inner.Message}). If this registry serves plain HTTP, name it as an insecure registry (RegistryOptions.InsecureRegistries); otherwise trust its certificate.", inner);

    internal static OciException BadReference(string reference, string why) =>
        new(InvalidReference, $"'{reference}' is not an image reference ({why}). Write registry/repository[:tag][@sha256:digest], e.g. 127.0.0.1:5000/fn/orders:1.0.0.");

    internal static OciException BadAuthFile(string path, string why) =>
        new(BadCredentialsFile, $"The credentials file {path} cannot be read ({why}). Fix or delete it, then log in again (`podman login` / `docker login`).");

    internal static OciException TokenFailed(Uri realm, string why) =>
        new(TokenEndpointFailed, $"The registry's token endpoint {realm} gave no token ({why}). Check the credentials for this registry, and that the token service is up.");

    internal static OciException Unexpected(Uri uri, string why) =>
        new(UnexpectedResponse, $"The registry answered {uri} in a way the distribution spec does not allow ({why}). Check that this is an OCI distribution registry (GET /v2/ answers 200 or 401).");

    internal static OciException BadBaseConfig(string why) =>
        new(InvalidBaseConfig, $"The base image's config is not usable ({why}). Use a base image whose config has 'os', 'architecture' and a rootfs of type 'layers'.");

    internal static OciException Output(string path, Exception inner) =>
        new(OutputFailed, $"Could not write {path} ({inner.Message}); no file was left behind. Check that the folder exists, is writable and has space.", inner);

    internal static OciException NotTheArtifact(string what, string expectedType, string actual) =>
        new(NotExpectedArtifact, $"{what} is not an artifact of type {expectedType}: it is {actual}. Check the reference: it must name what `push` stored there, not an image or another artifact.");

    internal static OciException NotAReferrerOf(string what, string subjectDigest, string? actualSubject) =>
        new(NotAReferrer, $"{what} is listed as a referrer of {subjectDigest} but its subject is {actualSubject ?? "(none)"}: the registry's referrers list is wrong. Nothing was read from it; push the document again, or report it to the registry's owner.");

    internal static OciException MissingLocalBlob(string digest) =>
        new(BlobMissingLocally, $"The blob {digest} is neither on disk nor fetchable from its source registry. Build the image again, or give the base image's registry so its layers can be fetched.");
}
