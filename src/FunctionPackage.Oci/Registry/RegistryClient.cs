using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using FunctionPackage.Oci.Model;

namespace FunctionPackage.Oci.Registry;

/// <summary>A manifest or index as read: its descriptor (digest verified) and bytes.</summary>
public sealed record ManifestContent(Descriptor Descriptor, byte[] Content)
{
    public ImageManifest AsManifest() => OciDocumentReader.ReadManifest(Content, $"The manifest {Descriptor.Digest}");
    public ImageIndex AsIndex() => OciDocumentReader.ReadIndex(Content, $"The index {Descriptor.Digest}");
}

/// <summary>
/// A small OCI distribution-spec client for one registry: ping, blobs and manifests (HEAD/GET/PUT), monolithic and
/// chunked uploads, cross-repository mounts, referrers (with the tag-schema fallback). Authenticates anonymously, with
/// Basic, or with a Bearer token from the registry's token endpoint (cached per scope). Everything read is checked
/// against its digest; every failure is a coded <see cref="OciException"/>. Not thread-safe (its token cache and
/// counters): one client per operation, used sequentially.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryOptions _options;
    private readonly RegistryCredential? _credential;
    private readonly Dictionary<string, AuthenticationHeaderValue> _tokens = new(StringComparer.Ordinal);
    private AuthenticationHeaderValue? _basic;
    private AuthChallenge? _bearerChallenge;

    public RegistryClient(string registry, RegistryOptions? options = null, HttpMessageHandler? handler = null)
    {
        Registry = registry;
        _options = options ?? new RegistryOptions();
        _credential = _options.Credentials.Find(registry);
        var scheme = _options.InsecureRegistries.Contains(registry) ? "http" : "https";
        BaseUri = new Uri($"{scheme}://{registry}/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = _options.Timeout, AllowAutoRedirect = true }, disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // per request and per read instead: see SendAsync and CopyBodyAsync
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("fnpkg", "0.1"));
    }

    public string Registry { get; }
    public Uri BaseUri { get; }

    /// <summary>
    /// Manifest and blob GETs use <see cref="HttpClient.Send(HttpRequestMessage, HttpCompletionOption, CancellationToken)"/>
    /// and blocking reads (HTTP/1.1, which is all this client asks for): a pull's awaits then complete at once, so no
    /// async state machine of ours or of SocketsHttpHandler's is boxed, and none of those generic instantiations (code
    /// no ReadyToRun image holds) is JIT-compiled in a fresh process. Pushes stay asynchronous. A pull blocks its
    /// thread: the installer runs it on the thread pool. The same rules (timeouts, codes) hold either way.
    /// </summary>
    private const bool Synchronous = true;

    /// <summary>Bytes of blob content sent by uploads of this client (not counting manifests).</summary>
    public long BytesUploaded { get; private set; }

    /// <summary>Requests sent (retries after a 401 included); tests check that an unchanged push is cheap.</summary>
    public int RequestCount { get; private set; }

    public void Dispose() => _http.Dispose();

    private static string PullScope(string repository) => $"repository:{repository}:pull";
    private static string PushScope(string repository) => $"repository:{repository}:pull,push";

    /// <summary><c>GET /v2/</c>: the registry speaks the distribution API (200, or 401 before authentication).</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "v2/"), scope: null, "the API root /v2/", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK) throw OciErrors.Unexpected(new Uri(BaseUri, "v2/"), $"status {(int)response.StatusCode}");
    }

    // ---- manifests ----

    /// <summary>HEAD a manifest: its descriptor, or null when the registry has none by that tag or digest.</summary>
    public async Task<Descriptor?> HeadManifestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Head, repository, reference), PullScope(repository), $"the manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        EnsureSuccess(response, $"HEAD manifest {repository}:{reference}");
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        if (digest is null && Oci.Digest.IsValid(reference)) digest = reference;
        if (!Oci.Digest.IsValid(digest)) throw OciErrors.Unexpected(response.RequestMessage!.RequestUri!, "a manifest HEAD without a Docker-Content-Digest header");
        return new Descriptor
        {
            MediaType = response.Content.Headers.ContentType?.MediaType ?? "",
            Digest = digest!,
            Size = response.Content.Headers.ContentLength ?? 0,
        };
    }

    /// <summary>GET a manifest or index by tag or digest; its bytes are checked against the digest asked for or announced.</summary>
    public Task<ManifestContent> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken = default) =>
        GetManifestCoreAsync(repository, reference, required: true, cancellationToken)!;

    private Task<ManifestContent?> TryGetManifestAsync(string repository, string reference, CancellationToken cancellationToken) =>
        GetManifestCoreAsync(repository, reference, required: false, cancellationToken);

    /// <summary>The one manifest GET: null when the registry has none, unless <paramref name="required"/> (then FPKG6006).</summary>
    private async Task<ManifestContent?> GetManifestCoreAsync(string repository, string reference, bool required, CancellationToken cancellationToken)
    {
        var what = $"the manifest {repository}:{reference}";
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Get, repository, reference), PullScope(repository), what, cancellationToken, Synchronous).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return required ? throw OciErrors.NoManifest(Registry, repository, reference) : null;
        EnsureSuccess(response, $"GET manifest {repository}:{reference}");
        var content = await ReadDocumentAsync(response, what, cancellationToken, Synchronous).ConfigureAwait(false);
        var actual = Oci.Digest.Of(content);
        var expected = Oci.Digest.IsValid(reference) ? reference
            : response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        if (expected is not null && expected != actual) throw OciErrors.Mismatch(what, expected, actual);
        var mediaType = MediaTypeOf(content) ?? response.Content.Headers.ContentType?.MediaType;
        if (!MediaTypes.IsManifest(mediaType) && !MediaTypes.IsIndex(mediaType)) throw OciErrors.UnknownType(what, mediaType);
        return new ManifestContent(new Descriptor { MediaType = mediaType!, Digest = actual, Size = content.Length }, content);
    }

    /// <summary>PUT a manifest or index under a tag or its digest; returns its descriptor and whether the registry processed its <c>subject</c>.</summary>
    public async Task<(Descriptor Descriptor, bool SubjectProcessed)> PutManifestAsync(string repository, string reference, string mediaType, byte[] content, CancellationToken cancellationToken = default)
    {
        var descriptor = Descriptor.Of(mediaType, content);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"v2/{repository}/manifests/{reference}") { Content = new ByteArrayContent(content) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return request;
        }, PushScope(repository), $"the manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created) await FailAsync(response, $"PUT manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } announced && announced != descriptor.Digest)
        {
            throw OciErrors.Mismatch($"The manifest stored as {repository}:{reference}", descriptor.Digest, announced);
        }
        return (descriptor, response.Headers.Contains("OCI-Subject"));
    }

    /// <summary>
    /// PUT a manifest that may have a <c>subject</c> (a signature, an SBOM): where the registry does not process
    /// subjects itself (no <c>OCI-Subject</c> header), the referrers tag schema's index <c>sha256-&lt;hex&gt;</c> is updated.
    /// </summary>
    public async Task<Descriptor> PutManifestAsync(string repository, string reference, ImageManifest manifest, CancellationToken cancellationToken = default)
    {
        var content = OciJson.Serialize(manifest);
        var (descriptor, subjectProcessed) = await PutManifestAsync(repository, reference, manifest.MediaType, content, cancellationToken).ConfigureAwait(false);
        if (manifest.Subject is not null && !subjectProcessed)
        {
            var referrer = descriptor with { ArtifactType = manifest.ArtifactType ?? manifest.Config.MediaType, Annotations = manifest.Annotations };
            await AddToReferrersTagAsync(repository, manifest.Subject.Digest, referrer, cancellationToken).ConfigureAwait(false);
        }
        return descriptor;
    }

    // ---- referrers ----

    /// <summary>
    /// The manifests whose <c>subject</c> is <paramref name="subjectDigest"/>: the referrers API, or where that is 404
    /// (Debian's docker-registry 2.8) the tag schema's index; optionally only those of <paramref name="artifactType"/>.
    /// </summary>
    public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string repository, string subjectDigest, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Descriptor> found;
        using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/referrers/{subjectDigest}"), PullScope(repository), $"the referrers of {subjectDigest}", cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == MediaTypes.OciIndex)
            {
                var content = await ReadDocumentAsync(response, $"the referrers of {subjectDigest}", cancellationToken).ConfigureAwait(false);
                found = OciDocumentReader.ReadIndex(content, $"The referrers index of {subjectDigest}").Manifests;
            }
            else if (response.StatusCode == HttpStatusCode.NotFound)
            {
                found = (await TryGetManifestAsync(repository, ReferrersTag(subjectDigest), cancellationToken).ConfigureAwait(false))?.AsIndex().Manifests ?? Array.Empty<Descriptor>();
            }
            else
            {
                await FailAsync(response, $"GET referrers of {subjectDigest}", cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException("unreachable");
            }
        }
        return artifactType is null ? found : found.Where(d => d.ArtifactType == artifactType).ToList();
    }

    /// <summary>The tag schema's tag for a subject: <c>sha256-&lt;hex&gt;</c>.</summary>
    public static string ReferrersTag(string subjectDigest) => "sha256-" + Oci.Digest.Hex(subjectDigest);

    private async Task AddToReferrersTagAsync(string repository, string subjectDigest, Descriptor referrer, CancellationToken cancellationToken)
    {
        var tag = ReferrersTag(subjectDigest);
        var existing = (await TryGetManifestAsync(repository, tag, cancellationToken).ConfigureAwait(false))?.AsIndex() ?? new ImageIndex();
        if (existing.Manifests.Any(d => d.Digest == referrer.Digest)) return;
        var updated = existing with { Manifests = existing.Manifests.Append(referrer).ToList() };
        await PutManifestAsync(repository, tag, MediaTypes.OciIndex, OciJson.Serialize(updated), cancellationToken).ConfigureAwait(false);
    }

    // ---- blobs ----

    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}"), PullScope(repository), $"the blob {digest}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        EnsureSuccess(response, $"HEAD blob {digest}");
        return true;
    }

    /// <summary>Streams a blob into <paramref name="destination"/>, checking its size and digest; the caller discards the bytes on error.</summary>
    public async Task CopyBlobAsync(string repository, Descriptor blob, Stream destination, CancellationToken cancellationToken = default)
    {
        var what = $"the blob {blob.Digest}";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/blobs/{blob.Digest}"), PullScope(repository), what, cancellationToken, Synchronous).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) throw OciErrors.NoBlob(Registry, repository, blob.Digest);
        EnsureSuccess(response, $"GET blob {blob.Digest}");
        using var hashing = new HashingStream(destination, leaveOpen: true);
        await CopyBodyAsync(response, hashing, blob.Size, what, cancellationToken, Synchronous).ConfigureAwait(false);
        if (hashing.BytesCounted != blob.Size) throw OciErrors.Dropped(what, new IOException($"{hashing.BytesCounted} of {blob.Size} bytes arrived"));
        if (hashing.Digest != blob.Digest) throw OciErrors.Mismatch(what, blob.Digest, hashing.Digest);
    }

    /// <summary>Downloads a blob to <paramref name="path"/> through a temp file: a failed or wrong download leaves nothing.</summary>
    public async Task DownloadBlobAsync(string repository, Descriptor blob, string path, CancellationToken cancellationToken = default)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            // Written synchronously, as the GET reads it (see Synchronous).
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await CopyBlobAsync(repository, blob, file, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A small blob (a config) read into memory, bounded by <see cref="RegistryOptions.MaxDocumentSize"/> and digest-checked.</summary>
    public async Task<byte[]> GetBlobBytesAsync(string repository, Descriptor blob, CancellationToken cancellationToken = default)
    {
        if (blob.Size > _options.MaxDocumentSize) throw OciErrors.Unexpected(new Uri(BaseUri, $"v2/{repository}/blobs/{blob.Digest}"), $"a {blob.Size}-byte document, more than the {_options.MaxDocumentSize} allowed");
        using var buffer = new MemoryStream();
        await CopyBlobAsync(repository, blob, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>
    /// Asks the registry to mount <paramref name="digest"/> from another repository of it (no bytes sent); false when
    /// it cannot (the caller then uploads; the session the registry opened instead is left to expire).
    /// </summary>
    public async Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken cancellationToken = default)
    {
        var uri = $"v2/{repository}/blobs/uploads/?mount={digest}&from={Uri.EscapeDataString(fromRepository)}";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(Array.Empty<byte>()) }, PushScope(repository), $"the blob {digest}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Created;
    }

    /// <summary>
    /// Uploads a blob unless the repository has it (HEAD first): one PUT up to <see cref="RegistryOptions.ChunkSize"/>,
    /// PATCH chunks then a closing PUT above it. <paramref name="openContent"/> must give a seekable stream for chunks and
    /// retries. Returns the bytes sent (0 when the registry had it).
    /// </summary>
    public async Task<long> UploadBlobAsync(string repository, Descriptor blob, Func<Stream> openContent, CancellationToken cancellationToken = default)
    {
        if (await BlobExistsAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false)) return 0;
        var what = $"the blob {blob.Digest}";
        Uri location;
        using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"v2/{repository}/blobs/uploads/") { Content = new ByteArrayContent(Array.Empty<byte>()) }, PushScope(repository), what, cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode != HttpStatusCode.Accepted) await FailAsync(response, $"POST blob upload for {blob.Digest}", cancellationToken).ConfigureAwait(false);
            location = UploadLocation(response);
        }

        long sent = 0;
        if (blob.Size > _options.ChunkSize)
        {
            for (long offset = 0; offset < blob.Size; offset += _options.ChunkSize)
            {
                var length = Math.Min(_options.ChunkSize, blob.Size - offset);
                var chunkStart = offset;
                var chunkUri = location;
                using var response = await SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Patch, chunkUri) { Content = SliceContent(openContent, chunkStart, length) };
                    request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{chunkStart}-{chunkStart + length - 1}");
                    return request;
                }, PushScope(repository), what, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Accepted) await FailAsync(response, $"PATCH blob chunk of {blob.Digest}", cancellationToken).ConfigureAwait(false);
                location = UploadLocation(response);
                sent += length;
            }
            var final = WithDigest(location, blob.Digest);
            using var done = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, final) { Content = new ByteArrayContent(Array.Empty<byte>()) }, PushScope(repository), what, cancellationToken).ConfigureAwait(false);
            if (done.StatusCode != HttpStatusCode.Created) await FailAsync(done, $"PUT blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var monolithic = WithDigest(location, blob.Digest);
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, monolithic) { Content = SliceContent(openContent, 0, blob.Size) }, PushScope(repository), what, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created) await FailAsync(response, $"PUT blob {blob.Digest}", cancellationToken).ConfigureAwait(false);
            sent = blob.Size;
        }
        BytesUploaded += sent;
        return sent;
    }

    private static HttpContent SliceContent(Func<Stream> openContent, long offset, long length)
    {
        var stream = openContent();
        if (offset > 0) stream.Seek(offset, SeekOrigin.Begin);
        var content = new StreamContent(new SliceStream(stream, length), 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        return content;
    }

    private Uri UploadLocation(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw OciErrors.Unexpected(response.RequestMessage!.RequestUri!, "an upload answer without a Location header");
        return location.IsAbsoluteUri ? location : new Uri(BaseUri, location);
    }

    private static Uri WithDigest(Uri location, string digest)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        return new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest));
    }

    // ---- transport, auth, errors ----

    private HttpRequestMessage ManifestRequest(HttpMethod method, string repository, string reference)
    {
        var request = new HttpRequestMessage(method, $"v2/{repository}/manifests/{reference}");
        foreach (var type in MediaTypes.ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        return request;
    }

    /// <summary>
    /// Sends a request (made by <paramref name="create"/>, so it can be sent again after a 401) with the cached
    /// authorization for <paramref name="scope"/>; answers one 401 challenge (Basic or Bearer) and retries once.
    /// 401 after that, 403 and 5xx become coded errors; other statuses are the caller's to judge.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string? scope, string what, CancellationToken cancellationToken, bool synchronous = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = create();
            if (request.RequestUri is { IsAbsoluteUri: false } relative) request.RequestUri = new Uri(BaseUri, relative);
            // Credentials go only to the registry itself, never to an upload Location on another host (e.g. storage).
            var sameHost = Uri.Compare(request.RequestUri!, BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
            if (sameHost && NeedsToken(scope)) await FetchTokenAsync(_bearerChallenge!, scope, cancellationToken).ConfigureAwait(false);
            var authorization = sameHost ? CachedAuthorization(scope) : null;
            if (authorization is not null) request.Headers.Authorization = authorization;
            var response = await TransportAsync(request, what, cancellationToken, synchronous).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var challenge = AuthChallenge.From(response.Headers);
                response.Dispose();
                if (scope is null && attempt == 0 && challenge is not null)
                {
                    // A ping only learns how the registry authenticates.
                    Remember(challenge);
                    return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
                }
                if (attempt > 0 || challenge is null || (challenge.IsBasic && _credential?.Username is null))
                {
                    throw OciErrors.NotAuthorized(Registry, what, _credential is not null && attempt > 0);
                }
                Remember(challenge);
                if (challenge.IsBearer) await FetchTokenAsync(challenge, scope, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                response.Dispose();
                throw OciErrors.NotAllowed(Registry, what);
            }
            if ((int)response.StatusCode >= 500)
            {
                var body = await SafeBodyAsync(response, cancellationToken).ConfigureAwait(false);
                response.Dispose();
                throw OciErrors.Server(request.RequestUri!, (int)response.StatusCode, body);
            }
            return response;
        }
    }

    private void Remember(AuthChallenge challenge)
    {
        if (challenge.IsBearer) _bearerChallenge = challenge;
        else if (challenge.IsBasic && _credential?.Username is not null)
        {
            _basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credential.Username}:{_credential.Password}")));
        }
    }

    // Split from the one await they need (a token not fetched yet) so an anonymous or Basic request awaits nothing here.
    private bool NeedsToken(string? scope) => _basic is null && scope is not null && _bearerChallenge is not null && !_tokens.ContainsKey(scope);

    private AuthenticationHeaderValue? CachedAuthorization(string? scope) =>
        _basic ?? (scope is null || _bearerChallenge is null ? null : _tokens[scope]);

    /// <summary>
    /// Asks the challenge's realm for a token for <paramref name="scope"/> (Basic credentials on the request when known;
    /// an identity token is exchanged as an OAuth2 refresh token) and caches it for that scope.
    /// </summary>
    private async Task FetchTokenAsync(AuthChallenge challenge, string? scope, CancellationToken cancellationToken)
    {
        if (challenge.Realm is not { } realmText || !Uri.TryCreate(realmText, UriKind.Absolute, out var realm))
        {
            throw OciErrors.Unexpected(BaseUri, "a Bearer challenge without an absolute realm");
        }
        var scopes = (scope ?? challenge.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        HttpRequestMessage request;
        if (_credential?.IdentityToken is { } identity)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"), new("refresh_token", identity), new("client_id", "fnpkg"), new("service", challenge.Service ?? ""),
            };
            if (scopes.Length > 0) form.Add(new("scope", string.Join(' ', scopes)));
            request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }
        else
        {
            var query = new StringBuilder();
            if (challenge.Service is { } service) query.Append("service=").Append(Uri.EscapeDataString(service));
            foreach (var s in scopes) query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(s));
            var uri = new UriBuilder(realm) { Query = string.IsNullOrEmpty(realm.Query) ? query.ToString() : realm.Query.TrimStart('?') + "&" + query };
            request = new HttpRequestMessage(HttpMethod.Get, uri.Uri);
            if (_credential?.Username is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credential.Username}:{_credential.Password}")));
            }
        }
        using var response = await TransportAsync(request, $"a token from {realm}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) throw OciErrors.NotAuthorized(Registry, $"a token for {scope}", _credential is not null);
        if (!response.IsSuccessStatusCode) throw OciErrors.TokenFailed(realm, $"status {(int)response.StatusCode}");
        string? token;
        try
        {
            using var json = JsonDocument.Parse(await ReadDocumentAsync(response, $"the token from {realm}", cancellationToken).ConfigureAwait(false));
            token = (json.RootElement.TryGetProperty("token", out var t) ? t.GetString() : null)
                ?? (json.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null);
        }
        catch (JsonException e)
        {
            throw OciErrors.TokenFailed(realm, e.Message);
        }
        if (string.IsNullOrEmpty(token)) throw OciErrors.TokenFailed(realm, "no 'token' or 'access_token' in the answer");
        _tokens[scope ?? ""] = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>One HTTP exchange up to the answer's headers, within the timeout; transport failures become coded errors.</summary>
    private async Task<HttpResponseMessage> TransportAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken, bool synchronous = false)
    {
        RequestCount++;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return synchronous
                ? _http.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                : await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw OciErrors.TimedOut(request.RequestUri!, _options.Timeout);
        }
        catch (HttpRequestException e)
        {
            throw e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError => OciErrors.Unreachable(request.RequestUri!, e),
                HttpRequestError.SecureConnectionError => OciErrors.Tls(request.RequestUri!, e),
                _ when e.InnerException is AuthenticationException => OciErrors.Tls(request.RequestUri!, e),
                _ => OciErrors.Dropped(what, e),
            };
        }
        catch (IOException e)
        {
            throw OciErrors.Dropped(what, e);
        }
    }

    /// <summary>Copies an answer's body, each read within the timeout; a body cut short is a dropped connection.</summary>
    /// <remarks>
    /// <paramref name="synchronous"/>: blocking reads (a synchronous read takes no token, so the idle timeout and
    /// cancellation close the body under it, and the read that fails is then reported as what closed it).
    /// </remarks>
    private async Task CopyBodyAsync(HttpResponseMessage response, Stream destination, long limit, string what, CancellationToken cancellationToken, bool synchronous = false)
    {
        var buffer = new byte[1 << 16];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await using var body = synchronous ? response.Content.ReadAsStream(cancellationToken) : await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var closeOnCancel = synchronous ? idle.Token.UnsafeRegister(static b => ((Stream)b!).Dispose(), body) : default;
            long total = 0;
            while (true)
            {
                idle.CancelAfter(_options.Timeout);
                var read = synchronous ? body.Read(buffer) : await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                if (read == 0) break;
                total += read;
                if (total > limit) throw OciErrors.Mismatch(what, $"{limit} bytes", $"more than {limit} bytes");
                if (synchronous) destination.Write(buffer, 0, read);
                else await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (idle.IsCancellationRequested) throw OciErrors.TimedOut(response.RequestMessage!.RequestUri!, _options.Timeout);
            if (e is OperationCanceledException or ObjectDisposedException) throw;
            throw OciErrors.Dropped(what, e);
        }
    }

    private async Task<byte[]> ReadDocumentAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken, bool synchronous = false)
    {
        using var buffer = new MemoryStream();
        await CopyBodyAsync(response, buffer, _options.MaxDocumentSize, what, cancellationToken, synchronous).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static string? MediaTypeOf(byte[] content)
    {
        try
        {
            using var json = JsonDocument.Parse(content);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("mediaType", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode) throw OciErrors.Unexpected(response.RequestMessage!.RequestUri!, $"{what}: status {(int)response.StatusCode}");
    }

    private static async Task FailAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await SafeBodyAsync(response, cancellationToken).ConfigureAwait(false);
        throw OciErrors.Unexpected(response.RequestMessage!.RequestUri!, $"{what}: status {(int)response.StatusCode}{(body.Length > 0 ? " " + body : "")}");
    }

    /// <summary>The start of an error answer's body (registries put their error JSON there), never more than 512 chars.</summary>
    private static async Task<string> SafeBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            body = body.Trim();
            return body.Length > 512 ? body[..512] + "…" : body;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }
}
