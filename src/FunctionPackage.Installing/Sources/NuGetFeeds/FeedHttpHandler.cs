using System.Net;
using System.Net.Http.Headers;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;

namespace FunctionPackage.Installing.Sources.NuGetFeeds;

/// <summary>
/// One download of one package from one source. The fetcher makes it current on its async flow; <see cref="FeedHttpHandler"/>
/// reports into it what NuGet.Protocol does not tell its caller (an HTTP error or a broken-off body ends in "not found"
/// there), and cancels it when the feed stays silent longer than the request timeout.
/// </summary>
internal sealed class DownloadAttempt : IDisposable
{
    private static readonly AsyncLocal<DownloadAttempt?> CurrentAttempt = new();
    private readonly CancellationTokenSource _cancel;
    private volatile string? _failure;
    private volatile bool _timedOut;

    public DownloadAttempt(string source, TimeSpan requestTimeout, long maxBytes, CancellationToken cancellationToken)
    {
        Source = source;
        RequestTimeout = requestTimeout;
        MaxBytes = maxBytes;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>The attempt of the current async flow (set by the fetcher, read by the HTTP handler).</summary>
    public static DownloadAttempt? Current
    {
        get => CurrentAttempt.Value;
        set => CurrentAttempt.Value = value;
    }

    public string Source { get; }
    public TimeSpan RequestTimeout { get; }
    public CancellationToken Token => _cancel.Token;
    /// <summary>The last HTTP failure seen (an error status other than 404, a broken connection), or the timeout.</summary>
    public string? Failure => _failure;
    public bool TimedOut => _timedOut;
    /// <summary>The most bytes one response body (or the copy of a folder feed's file) may have: the package limit.</summary>
    public long MaxBytes { get; }
    public bool LimitExceeded { get; private set; }

    /// <summary>
    /// Called with the bytes received so far, before they are written anywhere (NuGet.Protocol buffers an HTTP body in a
    /// temp file first): past <see cref="MaxBytes"/> the attempt is canceled, so NuGet stops without retrying.
    /// </summary>
    public void CheckSize(long bytesSoFar)
    {
        if (bytesSoFar <= MaxBytes) return;
        LimitExceeded = true;
        _cancel.Cancel();
        throw new InvalidDataException($"the download is larger than {MaxBytes} bytes");
    }

    public void Fail(string failure) => _failure = failure;

    /// <summary>Cancels the attempt: NuGet then stops at once instead of retrying a feed that does not answer.</summary>
    public void TimeOut(string failure)
    {
        _failure = failure;
        _timedOut = true;
        _cancel.Cancel();
    }

    public void Dispose() => _cancel.Dispose();
}

/// <summary>
/// The HTTP pipeline fnpkg gives NuGet.Protocol for every HTTP source, in place of <see cref="HttpHandlerResourceV3Provider"/>'s:
/// NuGet.config credentials are bound to the source's origin (scheme, host and port), so a redirect to another host never
/// receives them, not even when that host answers 401; and each request is timed (see <see cref="FeedHttpHandler"/>).
/// No credential providers or prompts: fnpkg is non-interactive and NuGet.config is the only credential store it reads.
/// </summary>
internal sealed class FeedHttpHandlerResourceProvider : ResourceProvider
{
    public FeedHttpHandlerResourceProvider()
        : base(typeof(HttpHandlerResource), nameof(FeedHttpHandlerResourceProvider), nameof(HttpHandlerResourceV3Provider))
    {
    }

    public override Task<Tuple<bool, INuGetResource?>> TryCreate(SourceRepository source, CancellationToken token)
    {
        if (!source.PackageSource.IsHttp) return Task.FromResult(Tuple.Create(false, (INuGetResource?)null));
        var packageSource = source.PackageSource;
        var clientHandler = new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            // .NET drops an explicit Authorization header on a redirect and never follows https -> http;
            // the origin-bound credentials below keep the other host's 401 challenge from getting ours.
            MaxAutomaticRedirections = 10,
            PreAuthenticate = false,
            Proxy = ProxyCache.Instance.GetProxy(packageSource.SourceUri),
        };
        if (packageSource.Credentials is { } credentials && credentials.IsValid())
        {
            clientHandler.Credentials = new OriginBoundCredentials(packageSource.SourceUri, credentials.ToICredentials());
        }
        if (packageSource.DisableTLSCertificateValidation)
        {
            clientHandler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }
        if (packageSource.ClientCertificates is { } certificates) clientHandler.ClientCertificates.AddRange(certificates.ToArray());
        var resource = new HttpHandlerResourceV3(clientHandler, new FeedHttpHandler(clientHandler));
        return Task.FromResult(Tuple.Create(true, (INuGetResource?)resource));
    }
}

/// <summary>Credentials that answer only for URIs of one origin (scheme, host, port).</summary>
internal sealed class OriginBoundCredentials : ICredentials
{
    private readonly Uri _origin;
    private readonly ICredentials _inner;

    public OriginBoundCredentials(Uri origin, ICredentials inner)
    {
        _origin = origin;
        _inner = inner;
    }

    public NetworkCredential? GetCredential(Uri uri, string authType)
        => Uri.Compare(uri, _origin, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? _inner.GetCredential(uri, authType)
            : null;
}

/// <summary>
/// Times every request of the current <see cref="DownloadAttempt"/>: the response headers, and then each read of the body,
/// must come within its request timeout (an idle timeout: a slow but moving download is never cut), else the attempt is
/// canceled. Error statuses (except 404, which means "not here") and broken connections are recorded on the attempt.
/// </summary>
internal sealed class FeedHttpHandler : DelegatingHandler
{
    public FeedHttpHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = DownloadAttempt.Current;
        if (attempt is null) return await base.SendAsync(request, cancellationToken);

        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(attempt.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, headers.Token);
        }
        catch (OperationCanceledException) when (headers.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            attempt.TimeOut($"no answer to {request.RequestUri} within {attempt.RequestTimeout.TotalSeconds:0.#} s");
            throw new OperationCanceledException(attempt.Token);
        }
        catch (HttpRequestException ex)
        {
            attempt.Fail($"{request.RequestUri}: {ex.Message}");
            throw;
        }
        if (response.IsSuccessStatusCode)
        {
            response.Content = new TimedContent(response.Content, attempt, request.RequestUri!);
        }
        else if (response.StatusCode != HttpStatusCode.NotFound)
        {
            attempt.Fail($"{request.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return response;
    }

    /// <summary>The response body, read through <see cref="TimedStream"/>.</summary>
    private sealed class TimedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly DownloadAttempt _attempt;
        private readonly Uri _uri;

        public TimedContent(HttpContent inner, DownloadAttempt attempt, Uri uri)
        {
            _inner = inner;
            _attempt = attempt;
            _uri = uri;
            foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        protected override async Task<Stream> CreateContentReadStreamAsync()
            => new TimedStream(await _inner.ReadAsStreamAsync(), _attempt, _uri);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var body = await CreateContentReadStreamAsync();
            await body.CopyToAsync(stream);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed class TimedStream : Stream
    {
        private readonly Stream _inner;
        private readonly DownloadAttempt _attempt;
        private readonly Uri _uri;
        private long _read;

        public TimedStream(Stream inner, DownloadAttempt attempt, Uri uri)
        {
            _inner = inner;
            _attempt = attempt;
            _uri = uri;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(_attempt.RequestTimeout);
            try
            {
                var read = await _inner.ReadAsync(buffer, idle.Token);
                _attempt.CheckSize(_read += read);
                return read;
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                _attempt.TimeOut($"{_uri} stopped sending for {_attempt.RequestTimeout.TotalSeconds:0.#} s mid-download");
                throw new OperationCanceledException(_attempt.Token);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                _attempt.Fail($"{_uri} broke off mid-download: {ex.Message}");
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
