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
/// </summary>
public sealed class StaticNuGetFeed : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte[]> _packages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SortedSet<string>> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _loop;

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
        try
        {
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
                await WriteAsync(context, "application/octet-stream", bytes);
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
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
