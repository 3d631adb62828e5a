using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace FunctionPackage.Testing;

/// <summary>
/// A static NuGet v3 feed on 127.0.0.1: <c>index.json</c> with one <c>PackageBaseAddress/3.0.0</c> resource,
/// <c>flat/&lt;lowerid&gt;/index.json</c> and <c>flat/&lt;lowerid&gt;/&lt;ver&gt;/&lt;lowerid&gt;.&lt;ver&gt;.nupkg</c>.
/// That is all <c>dotnet restore</c> and NuGet.Protocol need to download by exact version.
/// Hostile modes (<see cref="NupkgFault"/>, <see cref="RedirectNupkgsTo"/>, <see cref="RequiredCredential"/>) make it
/// behave like a broken, dying or malicious feed.
/// </summary>
public sealed class StaticNuGetFeed : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private readonly ConcurrentDictionary<string, byte[]> _packages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SortedSet<string>> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _loop;
    private long _nupkgBytesSent;

    private StaticNuGetFeed(int port)
    {
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public string BaseUrl { get; }
    /// <summary>The service index: pass this as the source.</summary>
    public string IndexUrl => BaseUrl + "index.json";
    /// <summary>Every request path served (or refused), in arrival order.</summary>
    public IReadOnlyCollection<string> Requests => _requests.ToArray();

    /// <summary>Runs before a .nupkg is sent (argument: the request path); tests use it to delay, cancel or fail downloads.</summary>
    public Func<string, Task>? BeforeNupkgAsync { get; set; }

    /// <summary>How every .nupkg download misbehaves (index and version lists are still served correctly).</summary>
    public FeedFault NupkgFault { get; set; }

    /// <summary>When set (a base URL such as another feed's <see cref="BaseUrl"/>), .nupkg requests get a 302 to the same path there.</summary>
    public string? RedirectNupkgsTo { get; set; }

    /// <summary>When set, every request without these Basic credentials gets a 401 challenge (a private feed).</summary>
    public NetworkCredential? RequiredCredential { get; set; }

    /// <summary>Where <see cref="FeedFault.EndlessBody"/> gives up: far beyond any limit a test sets, well short of a full disk.</summary>
    public const long EndlessBodyBytes = 256L * 1024 * 1024;

    /// <summary>Bytes of .nupkg bodies written so far (for <see cref="FeedFault.EndlessBody"/>: shows when the client hung up).</summary>
    public long NupkgBytesSent => Interlocked.Read(ref _nupkgBytesSent);

    /// <summary>The Authorization header of every request, in arrival order ("" when the request had none).</summary>
    public IReadOnlyCollection<string> Authorizations => _authorizations.ToArray();

    public static StaticNuGetFeed Start(params string[] nupkgFiles)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var feed = new StaticNuGetFeed(FreePort());
                foreach (var file in nupkgFiles) feed.Add(file);
                return feed;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The free port was taken between probing and listening; try another.
            }
        }
    }

    /// <summary>Serves a .nupkg under the id and version in its nuspec. Adding the same id/version again replaces it.</summary>
    public void Add(string nupkgFile)
    {
        var (id, version) = ReadIdentity(nupkgFile);
        var lowerId = id.ToLowerInvariant();
        var lowerVersion = version.ToLowerInvariant();
        _packages[$"{lowerId}/{lowerVersion}"] = File.ReadAllBytes(nupkgFile);
        var versions = _versions.GetOrAdd(lowerId, _ => new SortedSet<string>(StringComparer.Ordinal));
        lock (versions) versions.Add(lowerVersion);
    }

    private static (string Id, string Version) ReadIdentity(string nupkgFile)
    {
        using var zip = ZipFile.OpenRead(nupkgFile);
        var nuspec = zip.Entries.First(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().First(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().First(e => e.Name.LocalName == name).Value.Trim();
        return (Value("id"), Value("version"));
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        _requests.Enqueue(path);
        var authorization = context.Request.Headers["Authorization"] ?? "";
        _authorizations.Enqueue(authorization);
        try
        {
            if (RequiredCredential is { } credential
                && authorization != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.UserName}:{credential.Password}")))
            {
                context.Response.StatusCode = 401;
                context.Response.AddHeader("WWW-Authenticate", "Basic realm=\"feed\"");
                context.Response.Close();
                return;
            }
            if (path == "/index.json")
            {
                await WriteAsync(context, "application/json", Encoding.UTF8.GetBytes(
                    "{\"version\":\"3.0.0\",\"resources\":[{\"@id\":\"" + BaseUrl + "flat/\",\"@type\":\"PackageBaseAddress/3.0.0\"}]}"));
                return;
            }
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0] == "flat" && parts[2] == "index.json")
            {
                if (_versions.TryGetValue(parts[1], out var versions))
                {
                    string list;
                    lock (versions) list = string.Join(",", versions.Select(v => $"\"{v}\""));
                    await WriteAsync(context, "application/json", Encoding.UTF8.GetBytes("{\"versions\":[" + list + "]}"));
                    return;
                }
            }
            else if (parts.Length == 4 && parts[0] == "flat" && parts[3] == $"{parts[1]}.{parts[2]}.nupkg"
                && _packages.TryGetValue($"{parts[1]}/{parts[2]}", out var bytes))
            {
                if (BeforeNupkgAsync is { } hook) await hook(path);
                if (RedirectNupkgsTo is { } target)
                {
                    context.Response.Redirect(target.TrimEnd('/') + path);
                    context.Response.Close();
                    return;
                }
                await ServeNupkgAsync(context, bytes);
                return;
            }
            context.Response.StatusCode = 404;
            context.Response.Close();
        }
        catch (Exception)
        {
            try { context.Response.Abort(); } catch (ObjectDisposedException) { }
        }
    }

    private async Task ServeNupkgAsync(HttpListenerContext context, byte[] bytes)
    {
        switch (NupkgFault)
        {
            case FeedFault.ServerError:
                context.Response.StatusCode = 500;
                context.Response.Close();
                return;
            case FeedFault.NotAZip:
                await WriteAsync(context, "application/octet-stream", Encoding.UTF8.GetBytes("<html><body>Sign in to continue</body></html>"));
                return;
            case FeedFault.ResetMidBody:
                // Promise the whole package, send half, then drop the connection.
                context.Response.StatusCode = 200;
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            case FeedFault.Hang:
                await Task.Delay(Timeout.Infinite, _stopping.Token);
                return;
            case FeedFault.StallMidBody:
                context.Response.StatusCode = 200;
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await context.Response.OutputStream.FlushAsync();
                await Task.Delay(Timeout.Infinite, _stopping.Token);
                return;
            case FeedFault.EndlessBody:
                // A 200 with no length (chunked): the start of the real package, then zeros until the client hangs up, or
                // EndlessBodyBytes in all so that a client without a limit fails its test instead of filling the disk.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/octet-stream";
                context.Response.SendChunked = true;
                var zeros = new byte[64 * 1024];
                await context.Response.OutputStream.WriteAsync(bytes);
                Interlocked.Add(ref _nupkgBytesSent, bytes.Length);
                while (!_stopping.IsCancellationRequested && NupkgBytesSent < EndlessBodyBytes)
                {
                    await context.Response.OutputStream.WriteAsync(zeros, _stopping.Token);
                    Interlocked.Add(ref _nupkgBytesSent, zeros.Length);
                }
                return;
            default:
                await WriteAsync(context, "application/octet-stream", bytes);
                return;
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, string contentType, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stopping.Dispose();
    }
}

/// <summary>How a <see cref="StaticNuGetFeed"/> answers a .nupkg request.</summary>
public enum FeedFault
{
    None,
    /// <summary>HTTP 500.</summary>
    ServerError,
    /// <summary>A 200 with an HTML page instead of a zip (a login page, a proxy error).</summary>
    NotAZip,
    /// <summary>Half of the package, then the connection is dropped.</summary>
    ResetMidBody,
    /// <summary>The request is read and never answered.</summary>
    Hang,
    /// <summary>Half of the package, then silence with the connection open.</summary>
    StallMidBody,
    /// <summary>A body that never ends (no Content-Length, zeros forever): a feed that would fill the disk.</summary>
    EndlessBody,
}

/// <summary>A TCP listener on 127.0.0.1 that accepts connections and never sends a byte: a feed that hangs.</summary>
public sealed class SilentTcpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _clients = new();
    private readonly Task _loop;

    public SilentTcpServer()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/index.json";
        _loop = Task.Run(async () =>
        {
            try
            {
                while (true) _clients.Add(await _listener.AcceptTcpClientAsync());
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    /// <summary>A service index URL on this server.</summary>
    public string Url { get; }
    public int Accepted => _clients.Count;

    public void Dispose()
    {
        _listener.Stop();
        foreach (var client in _clients) client.Dispose();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
