using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace FunctionPackage.Oci.Tests.Infrastructure;

/// <summary>What the proxy does to one request it forwards.</summary>
public enum Fault
{
    None,
    /// <summary>Answers 500 with a registry-style error body.</summary>
    ServerError,
    /// <summary>Sends the answer's headers and half its body, then resets the connection.</summary>
    DropMidBody,
    /// <summary>Flips one byte of the answer's body.</summary>
    CorruptBody,
    /// <summary>Waits longer than any test timeout before answering.</summary>
    Stall,
    /// <summary>
    /// Answers an upload's POST itself, with a <c>Location</c> on a raw socket that reads part of the PUT and then resets
    /// the connection (HttpListener cannot reset one: its Abort answers 200).
    /// </summary>
    ResetUpload,
}

/// <summary>
/// A tiny HTTP proxy on 127.0.0.1 in front of a real registry, for the faults a real registry does not produce on
/// demand (500, a dropped connection mid-blob, wrong bytes, a stall) and for the Bearer token flow: with
/// <see cref="RequireBearer"/>, /v2/ asks for a token from its own /token endpoint (Basic credentials checked there),
/// which docker-registry's own token auth (JWTs signed by a certificate chain) would need a CA for.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly string _target;
    private readonly ConcurrentDictionary<string, string> _issuedTokens = new();
    private readonly CancellationTokenSource _stop = new();

    public FaultProxy(string targetHost)
    {
        _target = targetHost;
        Port = LocalRegistry.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Chooses the fault for a request by method and path (e.g. <c>GET /v2/x/blobs/sha256:…</c>).</summary>
    public Func<string, string, Fault> FaultFor { get; set; } = (_, _) => Fault.None;

    public (string User, string Password)? RequireBearer { get; set; }

    public int TokenRequests;
    public readonly ConcurrentQueue<string> Requests = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _upstream.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue($"{request.HttpMethod} {request.Url.PathAndQuery}");
        try
        {
            if (RequireBearer is { } credentials)
            {
                if (path == "/token")
                {
                    await IssueTokenAsync(context, credentials);
                    return;
                }
                var auth = request.Headers["Authorization"];
                if (auth is null || !auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_issuedTokens.ContainsKey(auth[7..]))
                {
                    response.StatusCode = 401;
                    var scope = ScopeFor(request.HttpMethod, path);
                    response.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://{Host}/token\",service=\"fnpkg-test\"{(scope is null ? "" : $",scope=\"{scope}\"")}");
                    await WriteAsync(response, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                    return;
                }
            }
            var fault = FaultFor(request.HttpMethod, path);
            if (fault == Fault.ServerError)
            {
                response.StatusCode = 500;
                await WriteAsync(response, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected failure\"}]}");
                return;
            }
            if (fault == Fault.Stall)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), _stop.Token).ContinueWith(_ => { });
                response.Abort();
                return;
            }
            if (fault == Fault.ResetUpload)
            {
                response.StatusCode = 202;
                response.AddHeader("Location", $"http://127.0.0.1:{StartResetter()}/upload/1");
                response.ContentLength64 = 0;
                response.Close();
                return;
            }
            await ForwardAsync(context, fault);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
        }
        catch (IOException)
        {
        }
    }

    private int StartResetter()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[1024];
            await socket.ReceiveAsync(buffer); // part of the request: headers and maybe a little body
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with RST, not FIN
            socket.Close();
            listener.Stop();
        });
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task IssueTokenAsync(HttpListenerContext context, (string User, string Password) credentials)
    {
        Interlocked.Increment(ref TokenRequests);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}"));
        if (context.Request.Headers["Authorization"] != expected)
        {
            context.Response.StatusCode = 401;
            await WriteAsync(context.Response, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
            return;
        }
        var scope = context.Request.QueryString["scope"] ?? "";
        var token = "tok-" + Guid.NewGuid().ToString("N");
        _issuedTokens[token] = scope;
        await WriteAsync(context.Response, $"{{\"token\":\"{token}\",\"expires_in\":300}}");
    }

    private static string? ScopeFor(string method, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var marker = Array.FindIndex(parts, p => p is "manifests" or "blobs" or "referrers");
        if (marker <= 1) return null;
        var name = string.Join('/', parts[1..marker]);
        return method is "GET" or "HEAD" ? $"repository:{name}:pull" : $"repository:{name}:pull,push";
    }

    private async Task ForwardAsync(HttpListenerContext context, Fault fault)
    {
        var request = context.Request;
        var response = context.Response;
        using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{_target}{request.Url!.PathAndQuery}");
        if (request.HasEntityBody || request.ContentLength64 > 0)
        {
            var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            body.Position = 0;
            forward.Content = new StreamContent(body);
        }
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is null || name is "Host" or "Authorization" or "Connection" or "Content-Length" or "Transfer-Encoding") continue;
            var value = request.Headers[name]!;
            if (!forward.Headers.TryAddWithoutValidation(name, value)) forward.Content?.Headers.TryAddWithoutValidation(name, value);
        }
        forward.Headers.Host = Host; // so the registry's Location headers point back through the proxy
        using var answer = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (name is "Content-Length" or "Transfer-Encoding" or "Connection" or "Date") continue;
            foreach (var v in values) response.AddHeader(name, v);
        }
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        var length = answer.Content.Headers.ContentLength ?? bytes.Length;
        if (request.HttpMethod == "HEAD")
        {
            response.ContentLength64 = length;
            response.Close();
            return;
        }
        response.ContentLength64 = bytes.Length;
        if (fault == Fault.CorruptBody && bytes.Length > 0) bytes[bytes.Length / 2] ^= 0xFF;
        if (fault == Fault.DropMidBody)
        {
            await response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await response.OutputStream.FlushAsync();
            response.Abort();
            return;
        }
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private static async Task WriteAsync(HttpListenerResponse response, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
