using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using CloudNative.CloudEvents;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Model;
using FunctionPackage.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// Installed functions the host must refuse to load, each built by hand (no publish): the FPKG4xxx code from
/// <see cref="InstalledFunction.Load"/> and, through the real host process, exit code 3 with the code on stderr.
/// </summary>
public sealed class HostLoadFailureTests : IDisposable
{
    private readonly TestRoot _root = new("host-load-failures");

    public void Dispose() => _root.Dispose();

    /// <summary>An install folder: function.json as given plus <c>function/Hello.dll</c> holding <paramref name="entryBytes"/>.</summary>
    private string Install(byte[] manifestBytes, byte[]? entryBytes = null)
    {
        var directory = _root.Combine("functions", "hello", "1.0.0");
        Directory.CreateDirectory(Path.Combine(directory, "function"));
        File.WriteAllBytes(Path.Combine(directory, FunctionPackageFormat.ManifestFileName), manifestBytes);
        File.WriteAllBytes(Path.Combine(directory, "function", "Hello.dll"), entryBytes ?? new byte[] { 0x4D, 0x5A });
        return directory;
    }

    private static FunctionManifest Manifest(Action<FunctionManifest>? edit = null)
    {
        var manifest = new FunctionManifest
        {
            Id = "Hello",
            Version = "1.0.0",
            Description = "test function",
            EntryPoint = new EntryPointDefinition { Assembly = "Hello.dll", Type = "Hello.Greeter", Method = "Greet" },
        };
        manifest.Runtime.Tfm = "net10.0";
        manifest.Runtime.Frameworks.Add(new FrameworkDefinition { Name = "Microsoft.NETCore.App", Version = "10.0.0" });
        edit?.Invoke(manifest);
        return manifest;
    }

    private static byte[] Serialize(FunctionManifest manifest) => FunctionManifestSerializer.Serialize(manifest);

    private static async Task AssertLoadFails(string directory, string code)
    {
        var ex = Assert.Throws<FunctionHostException>(() => InstalledFunction.Load(directory, NullLogger.Instance));
        Assert.Equal(code, ex.Code);

        var (exit, stdout, stderr) = await HostProcess.RunAsync(null, "invoke", "--function", directory, "--data", "{}");
        Assert.True(exit == ExitCodes.LoadFailed, $"exit {exit}\n{stderr}");
        Assert.Equal("", stdout);
        Assert.Contains(code, stderr);
    }

    [Fact]
    public Task Function_json_that_is_not_json_is_FPKG4002()
        => AssertLoadFails(Install("{ not json"u8.ToArray()), HostErrorCodes.ManifestInvalid);

    [Fact]
    public Task Function_json_of_another_schema_version_is_FPKG4002()
        => AssertLoadFails(Install(Serialize(Manifest(m => m.SchemaVersion = 2))), HostErrorCodes.ManifestInvalid);

    [Fact]
    public Task Function_json_without_an_entry_point_is_FPKG4002()
        => AssertLoadFails(Install(Serialize(Manifest(m => m.EntryPoint.Type = ""))), HostErrorCodes.ManifestInvalid);

    [Fact]
    public Task Function_needing_a_newer_runtime_than_the_host_is_FPKG4004()
        => AssertLoadFails(Install(Serialize(Manifest(m => m.Runtime.Frameworks[0].Version = $"{Environment.Version.Major + 1}.0.0"))),
            HostErrorCodes.FrameworkNotSupported);

    [Fact]
    public Task Function_needing_an_unknown_shared_framework_is_FPKG4004()
        => AssertLoadFails(Install(Serialize(Manifest(m => m.Runtime.Frameworks.Add(new FrameworkDefinition { Name = "Microsoft.WindowsDesktop.App", Version = "10.0.0" })))),
            HostErrorCodes.FrameworkNotSupported);

    [Fact]
    public Task Self_contained_function_is_FPKG4004()
        => AssertLoadFails(Install(Serialize(Manifest(m => { m.Runtime.SelfContained = true; m.Runtime.Rid = "linux-x64"; }))),
            HostErrorCodes.FrameworkNotSupported);

    [Theory]
    [InlineData("Missing.dll")]
    [InlineData("../function.json")] // a path out of function/ is not the entry assembly, even if the file exists
    public async Task Entry_assembly_not_in_the_function_folder_is_FPKG4003_naming_the_reinstall(string assembly)
    {
        await AssertLoadFails(Install(Serialize(Manifest(m => m.EntryPoint.Assembly = assembly))), HostErrorCodes.EntryAssemblyMissing);
        var ex = Assert.Throws<FunctionHostException>(() => InstalledFunction.Load(_root.Combine("functions", "hello", "1.0.0"), NullLogger.Instance));
        Assert.Contains($"'{assembly}' named by function.json", ex.Message);
        Assert.EndsWith("Reinstall the function with 'fnpkg install'.", ex.Message);
    }

    [Fact]
    public Task Entry_assembly_that_is_not_an_assembly_is_FPKG4005()
        => AssertLoadFails(Install(Serialize(Manifest()), "not really an assembly"u8.ToArray()), HostErrorCodes.EntryAssemblyLoadFailed);

    /// <summary>
    /// A function that ships its own CloudNative.CloudEvents (a higher version than the host's is not unified, see
    /// <see cref="SharedAssemblies"/>) gets a CloudEvent type with the host's full name but another identity.
    /// Modeled here by loading the host's CloudNative.CloudEvents.dll a second time in an isolated context.
    /// </summary>
    [Fact]
    public void Entry_point_taking_the_functions_own_CloudEvent_type_is_FPKG4010()
    {
        var context = new AssemblyLoadContext("function-own-cloudevents", isCollectible: true);
        try
        {
            var ownCopy = context.LoadFromAssemblyPath(typeof(CloudEvent).Assembly.Location);
            var foreignCloudEvent = ownCopy.GetType(typeof(CloudEvent).FullName!, throwOnError: true)!;
            Assert.NotEqual(typeof(CloudEvent), foreignCloudEvent);

            Assembly function;
            using (context.EnterContextualReflection())
            {
                var builder = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("OwnCloudEventsFunction"), AssemblyBuilderAccess.RunAndCollect);
                var type = builder.DefineDynamicModule("OwnCloudEventsFunction").DefineType("Fn.Handler", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
                var method = type.DefineMethod("Handle", MethodAttributes.Public | MethodAttributes.Static, typeof(int), new[] { foreignCloudEvent });
                var il = method.GetILGenerator();
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Ret);
                function = type.CreateType().Assembly;
            }

            var ex = Assert.Throws<FunctionHostException>(() => FunctionInvoker.Create(function, "Fn.Handler", "Handle"));
            Assert.Equal(HostErrorCodes.SharedTypeMismatch, ex.Code);
            Assert.Contains("CloudNative.CloudEvents", ex.Message);
        }
        finally
        {
            context.Unload();
        }
    }
}
