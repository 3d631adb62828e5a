using System.Text;

namespace FunctionPackage.Exporting.Runtime;

/// <summary>
/// Binds the .NET apphost (<c>runtimes/&lt;rid&gt;/native/apphost</c> of Microsoft.NETCore.App.Host.&lt;rid&gt;) to the
/// assembly it starts, as the SDK's HostWriter does for ELF hosts: the apphost carries a 64-byte placeholder (the hex
/// SHA-256 of "foobar") at the start of a 1025-byte buffer; the assembly's path relative to the executable is written
/// over it in UTF-8 and the rest of the placeholder zeroed. When libhostfxr.so sits beside it, the apphost runs
/// self-contained (no installed .NET is looked for).
/// </summary>
public static class AppHost
{
    private static readonly byte[] Placeholder = Encoding.UTF8.GetBytes("c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2");
    /// <summary>The buffer the placeholder starts, less its terminating zero.</summary>
    private const int MaxPathBytes = 1024;

    /// <exception cref="InvalidOperationException">The file is not an unbound apphost, or the path is too long.</exception>
    public static byte[] Bind(byte[] appHost, string assemblyRelativePath)
    {
        var path = Encoding.UTF8.GetBytes(assemblyRelativePath);
        if (path.Length > MaxPathBytes) throw new InvalidOperationException($"'{assemblyRelativePath}' is longer than the apphost's {MaxPathBytes} bytes.");
        var at = appHost.AsSpan().IndexOf(Placeholder);
        if (at < 0 || appHost.AsSpan(at + 1).IndexOf(Placeholder) >= 0)
            throw new InvalidOperationException("the file has no single apphost placeholder: it is not an unbound .NET apphost.");
        var bound = (byte[])appHost.Clone();
        var region = bound.AsSpan(at, Math.Max(Placeholder.Length, path.Length));
        region.Clear();
        path.CopyTo(region);
        return bound;
    }
}
