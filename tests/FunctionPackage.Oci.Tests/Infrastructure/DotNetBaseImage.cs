using System.Runtime.InteropServices;
using FunctionPackage.Oci.Layers;
using FunctionPackage.Oci.Model;
using FunctionPackage.Oci.Output;
using FunctionPackage.Oci.Registry;

namespace FunctionPackage.Oci.Tests.Infrastructure;

/// <summary>
/// A test base image made from this machine's own .NET runtime (no public base image can be pulled here): a "system"
/// layer with the libraries <c>ldd</c> lists for dotnet, hostfxr and the runtime's native libraries, a passwd entry
/// for the non-root user <c>app</c> (uid 1654, as in Microsoft's images) and a sticky /tmp; a "dotnet" layer with the
/// muxer, hostfxr and Microsoft.NETCore.App. Built with our own layer writer and pushed to the loopback registry.
/// </summary>
public static class DotNetBaseImage
{
    public const string User = "app";
    public const int Uid = 1654;

    /// <param name="withAspNetCore">Also Microsoft.AspNetCore.App (the machine's, of the same version) in the dotnet layer, as in
    /// Microsoft's aspnet images: what the function host needs (fnpkg export). Pushed as <c>base/aspnet-runtime</c>.</param>
    /// <param name="withIcu">Also the machine's ICU libraries (as Microsoft's Debian/Ubuntu images have), and globalization not
    /// invariant: for functions that need a culture (the Inventory sample answers in French). Pushed with an <c>-icu</c> suffix.</param>
    public static async Task<ImageReference> BuildAndPushAsync(RegistryClient client, string workFolder, bool withAspNetCore = false, bool withIcu = false)
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var version = Environment.Version.ToString(3);
        var shared = Path.Combine(dotnetRoot, "shared", "Microsoft.NETCore.App", version);
        Assert.True(Directory.Exists(shared), $"The running runtime's folder {shared} is missing.");
        var fxr = Directory.GetDirectories(Path.Combine(dotnetRoot, "host", "fxr")).OrderBy(d => d, StringComparer.Ordinal).Last();

        var runtime = new List<LayerEntry> { LayerEntry.FromDisk("usr/share/dotnet/dotnet", Path.Combine(dotnetRoot, "dotnet")), LayerEntry.SymbolicLink("usr/bin/dotnet", "/usr/share/dotnet/dotnet") };
        runtime.AddRange(LayerContent.FromFolder(fxr, $"usr/share/dotnet/host/fxr/{Path.GetFileName(fxr)}"));
        runtime.AddRange(LayerContent.FromFolder(shared, $"usr/share/dotnet/shared/Microsoft.NETCore.App/{version}"));
        var aspNetCore = Path.Combine(dotnetRoot, "shared", "Microsoft.AspNetCore.App", version);
        if (withAspNetCore)
        {
            Assert.True(Directory.Exists(aspNetCore), $"The machine's ASP.NET Core runtime {aspNetCore} is missing: install aspnetcore-runtime-{Environment.Version.Major}.0.");
            runtime.AddRange(LayerContent.FromFolder(aspNetCore, $"usr/share/dotnet/shared/Microsoft.AspNetCore.App/{version}"));
        }

        // ICU is loaded with dlopen (never in ldd's list): its libraries as ldconfig knows them, e.g. /lib/x86_64-linux-gnu/libicuuc.so.72.
        var icu = withIcu
            ? Tool.Ok("ldconfig", "-p").Split('\n').Select(line => line.Split("=>").Last().Trim())
                .Where(path => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(path), @"^libicu(uc|i18n|data)\.so\.\d+$")).Distinct().ToList()
            : new List<string>();
        if (withIcu) Assert.True(icu.Count == 3, $"ICU (libicuuc, libicui18n, libicudata) is not all on this machine ({string.Join(", ", icu)}): install libicu-dev.");
        var natives = new[] { Path.Combine(dotnetRoot, "dotnet") }.Concat(Directory.GetFiles(fxr, "*.so")).Concat(Directory.GetFiles(shared, "*.so")).Concat(icu);
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var native in natives)
        {
            foreach (var line in Tool.Ok("ldd", native).Split('\n'))
            {
                // "libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
                var path = line.Contains("=>") ? line.Split("=>")[1].Trim().Split(' ')[0] : line.Trim().Split(' ')[0];
                if (path.StartsWith('/') && !path.StartsWith(dotnetRoot, StringComparison.Ordinal)) libraries.Add(path);
            }
        }
        Assert.Contains(libraries, l => l.Contains("libc.so"));
        libraries.UnionWith(icu);
        var system = libraries.Select(l => LayerEntry.FromDisk(l.TrimStart('/'), new FileInfo(l).ResolveLinkTarget(true)?.FullName ?? l)).ToList();
        system.Add(LayerEntry.File("etc/passwd", System.Text.Encoding.ASCII.GetBytes($"root:x:0:0:root:/root:/sbin/nologin\n{User}:x:{Uid}:{Uid}:{User}:/home/{User}:/sbin/nologin\n")));
        system.Add(LayerEntry.File("etc/group", System.Text.Encoding.ASCII.GetBytes($"root:x:0:\n{User}:x:{Uid}:\n")));
        system.Add(LayerEntry.Directory("tmp", 0b1_111_111_111)); // 01777
        system.Add(LayerEntry.Directory($"home/{User}"));

        var blobs = Path.Combine(workFolder, "base-blobs");
        var systemLayer = LayerWriter.WriteToFolder(system, blobs);
        var runtimeLayer = LayerWriter.WriteToFolder(runtime, blobs);
        var image = ImageBuilder.Build(BaseImage.Scratch(Platform.Current), new[] { new NewLayer(systemLayer, "system libraries and users"), new NewLayer(runtimeLayer, $"Microsoft.NETCore.App {version}{(withAspNetCore ? " and Microsoft.AspNetCore.App" : "")}") }, new ImageSettings
        {
            Env = new[]
            {
                KeyValuePair.Create("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                KeyValuePair.Create("DOTNET_ROOT", "/usr/share/dotnet"),
                // Without ICU in the image, globalization must be invariant.
                KeyValuePair.Create("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", withIcu ? "0" : "1"),
            },
        });
        var reference = new ImageReference(client.Registry, (withAspNetCore ? "base/aspnet-runtime" : "base/dotnet-runtime") + (withIcu ? "-icu" : ""), version, null);
        await ImagePusher.PushAsync(image, client, reference.Repository, reference.Tag!, new BlobResolver(Path.Combine(workFolder, "cache"), _ => client));
        return reference;
    }
}
