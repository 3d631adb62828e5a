using System.Text;
using System.Text.RegularExpressions;
using FunctionPackage.EndToEnd.Tests.Support;
using FunctionPackage.Oci.Tests.Infrastructure;
using FunctionPackage.Testing;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// <c>FunctionPackagePush</c>: <c>dotnet publish -p:FunctionPackage=true -p:FunctionPackageRegistry=…</c> with the packed
/// SDK against a real docker-registry guarded by htpasswd, credentials from podman's auth file (<c>$REGISTRY_AUTH_FILE</c>,
/// read by the same code as fnpkg's); then the real fnpkg installs, invokes and reads the SBOM of what it pushed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OciPushLifecycleTests
{
    private const string User = "builder";
    private const string Password = "push-s3cret";
    private readonly EndToEndEnvironment _env;

    public OciPushLifecycleTests(EndToEndEnvironment env) => _env = env;

    private static BuildOutput Publish(ProjectCreator project, IDictionary<string, string?> environment, params string[] properties) =>
        DotNetCli.Run(new[] { "publish", project.FullPath, "-p:Configuration=Release", "-p:FunctionPackage=true" }.Concat(properties.Select(p => "-p:" + p)),
            project.Directory, TimeSpan.FromMinutes(10), environment); // generous: a first publish on a loaded 2-core machine

    [Fact]
    public void Publish_with_FunctionPackageRegistry_pushes_the_package_and_its_sbom_and_fnpkg_installs_and_invokes_it_from_the_registry()
    {
        Tool.Require("docker-registry", "docker-registry");
        using var registry = new LocalRegistry(_env.NewFolder("push-registry"), User, Password);
        var host = registry.Host;
        // podman's auth file only: no environment credentials, no Docker config, so the file is what authenticates.
        var authFile = Path.Combine(_env.NewFolder("push-auth"), "auth.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        File.WriteAllText(authFile, System.Text.Json.JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [host] = new { auth } } }));
        var withAuth = new Dictionary<string, string?>
        {
            ["REGISTRY_AUTH_FILE"] = authFile, ["DOCKER_CONFIG"] = _env.NewFolder("push-no-docker-config"),
            ["FNPKG_REGISTRY_USERNAME"] = null, ["FNPKG_REGISTRY_PASSWORD"] = null,
        };
        var project = FunctionProjects.Hello(_env.NewFolder("push")).Save();
        string[] push = { $"FunctionPackageRegistry={host}", "FunctionPackageRepository=fn/hello", $"FunctionPackageInsecureRegistries={host}" };

        var first = Publish(project, withAuth, push);
        Assert.True(first.Succeeded, first.GetConsoleLog());
        var packagePath = FunctionProjects.PrintedPackagePath(first, "Hello");
        var pushedLine = new Regex($@"Hello 1\.0\.0 -> (?<reference>oci://{Regex.Escape(host)}/fn/hello:1\.0\.0@sha256:[0-9a-f]{{64}}) \(\d+ bytes uploaded, SBOM referrer sha256:[0-9a-f]{{64}}\)");
        var match = first.Messages.Select(m => pushedLine.Match(m)).FirstOrDefault(m => m.Success);
        Assert.True(match is not null, $"No push line.\n{first.GetConsoleLog()}");
        var reference = match!.Groups["reference"].Value;

        // The same publish again: the package is unchanged, the push one manifest HEAD.
        var again = Publish(project, withAuth, push);
        Assert.True(again.Succeeded, again.GetConsoleLog());
        Assert.Contains(again.Messages, m => m.Contains($"Hello 1.0.0 is already at {reference}; nothing uploaded", StringComparison.Ordinal));

        // Without the auth file the registry's 401 is FPKG2072, naming how to log in.
        var noAuth = new Dictionary<string, string?>(withAuth) { ["REGISTRY_AUTH_FILE"] = null };
        var denied = Publish(project, noAuth, push.Append("FunctionPackageRegistryTag=other").ToArray());
        Assert.False(denied.Succeeded, denied.GetConsoleLog());
        Assert.Contains("FPKG2072", denied.Errors.Select(e => e.Code));
        Assert.Contains(denied.Errors, e => e.Message.Contains("podman login", StringComparison.Ordinal));
        // A repository with capitals is not a reference: FPKG2070.
        var invalid = Publish(project, withAuth, $"FunctionPackageRegistry={host}", "FunctionPackageRepository=Fn/Hello", $"FunctionPackageInsecureRegistries={host}");
        Assert.Contains("FPKG2070", invalid.Errors.Select(e => e.Code));

        // fnpkg installs and invokes what MSBuild pushed (pinned by digest), with the same auth file.
        var root = _env.NewFolder("push-root");
        var install = Fnpkg.Run(withAuth, _env.Root.Path, "install", reference, "--root", root, "--insecure-registry", host);
        Assert.True(install.Succeeded, install.Log);
        Assert.Equal(Path.Combine(root, "functions", "hello", "1.0.0") + "\n", install.Stdout);
        var invoke = Fnpkg.Run(withAuth, _env.Root.Path, "invoke", $"oci://{host}/fn/hello:1.0.0", "--root", root, "--insecure-registry", host, "--data", """{"name":"Ada"}""");
        Assert.True(invoke.Succeeded, invoke.Log);
        Assert.Contains("Hello, Ada!", invoke.Stdout);

        // Its SBOM through the referrer is the one inside the package, byte for byte.
        var sbom = Fnpkg.Run(withAuth, _env.Root.Path, "sbom", reference, "--insecure-registry", host);
        Assert.True(sbom.Succeeded, sbom.Log);
        Assert.Contains("SBOM referrer", sbom.Stderr);
        using var archive = new FunctionPackageArchive(packagePath);
        Assert.Equal(Encoding.UTF8.GetString(archive.ReadBytes("sbom.cdx.json")), sbom.Stdout);
    }
}
