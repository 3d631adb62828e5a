using System.Net;
using System.Net.Sockets;

namespace FunctionPackage.Oci.Tests.Infrastructure;

/// <summary>
/// A real docker-registry on 127.0.0.1 started by build/registry.sh (data under <paramref name="folder"/>), stopped on
/// dispose. With <paramref name="user"/>, an htpasswd file (bcrypt, made with apache2-utils' htpasswd) guards it.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    public LocalRegistry(string folder, string? user = null, string? password = null)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
        Port = FreePort();
        var args = new List<string> { "start", folder, Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (user is not null)
        {
            Tool.Require("htpasswd", "apache2-utils");
            var entry = Tool.Ok("htpasswd", "-Bbn", user, password ?? "");
            var file = Path.Combine(folder, "htpasswd");
            File.WriteAllText(file, entry);
            args.Add(file);
        }
        var started = Tool.Run(Tool.Script("registry.sh"), args);
        Assert.True(started.ExitCode == 0, started.ToString());
    }

    public string Folder { get; }
    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";

    public string Log => File.Exists(Path.Combine(Folder, "registry.log")) ? File.ReadAllText(Path.Combine(Folder, "registry.log")) : "(no log)";

    public void Dispose() => Tool.Run(Tool.Script("registry.sh"), "stop", Folder);

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
