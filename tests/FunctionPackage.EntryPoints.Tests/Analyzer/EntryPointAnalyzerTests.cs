using FunctionPackage.EntryPoints.Tests.Conformance;
using FunctionPackage.Sdk.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace FunctionPackage.EntryPoints.Tests.Analyzer;

/// <summary>
/// The analyzer on real source through Roslyn's analyzer test harness: which code, which message, and where
/// (markup <c>{|FPKG1002:...|}</c> is the exact span reported). The build properties arrive as the SDK's
/// CompilerVisibleProperty items deliver them: a global analyzer config.
/// </summary>
public sealed class EntryPointAnalyzerTests
{
    private const string ProjectPath = "/src/Fn/Fn.csproj";

    private static Task Verify(string source, string? entryPoint, params DiagnosticResult[] expected) =>
        Verify(source, entryPoint, validate: "true", expected);

    private static async Task Verify(string source, string? entryPoint, string? validate, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<EntryPointAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            // The .NET reference pack the conformance test compiles against (no package download).
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(TestCompilation.ReferencePaths.Select(p => MetadataReference.CreateFromFile(p)));
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectAssemblyName(projectId, "Fn"));

        var config = "is_global = true\n" + $"build_property.MSBuildProjectFullPath = {ProjectPath}\n";
        if (validate is not null) config += $"build_property.FunctionPackageValidateEntryPoint = {validate}\n";
        if (entryPoint is not null) config += $"build_property.FunctionEntryPoint = {entryPoint}\n";
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", config));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    private static DiagnosticResult OnProject(string code, string message) =>
        new DiagnosticResult(code, DiagnosticSeverity.Error).WithSpan(ProjectPath, 1, 1, 1, 1).WithMessage(message);

    [Fact]
    public Task A_mistyped_type_is_FPKG1002_on_the_type_it_suggests() => Verify("""
        namespace Hello;

        public static class {|#0:Greeter|}
        {
            public static string Handle(string name) => $"Hello {name}";
        }
        """, "Hello.Greter::Handle",
        new DiagnosticResult("FPKG1002", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point type 'Hello.Greter' was not found in 'Fn.dll'. Did you mean 'Hello.Greeter'? Check the namespace and type name in FunctionEntryPoint (nested types use '+')."));

    [Fact]
    public Task A_method_nothing_resembles_is_FPKG1004_on_the_type() => Verify("""
        namespace Hello;

        public static class {|#0:Greeter|}
        {
            public static string Handle(string name) => name;
        }
        """, "Hello.Greeter::Run",
        new DiagnosticResult("FPKG1004", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point method 'Run' was not found on type 'Hello.Greeter'. Public methods declared on the type: Handle. Check the method name in FunctionEntryPoint (it is case-sensitive)."));

    [Fact]
    public Task A_type_nothing_resembles_is_FPKG1002_on_the_project_file() => Verify("""
        namespace Hello;

        public static class Greeter
        {
            public static string Handle(string name) => name;
        }
        """, "Nope.Nothing::Handle",
        OnProject("FPKG1002", "Entry point type 'Nope.Nothing' was not found in 'Fn.dll'. Check the namespace and type name in FunctionEntryPoint (nested types use '+')."));

    [Fact]
    public Task A_mistyped_method_is_FPKG1004_on_the_method_it_suggests() => Verify("""
        namespace Hello;

        public static class Greeter
        {
            public static string {|#0:Handle|}(string name) => name;
            public static string Other() => "";
        }
        """, "Hello.Greeter::handle",
        new DiagnosticResult("FPKG1004", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point method 'handle' was not found on type 'Hello.Greeter'. Did you mean 'Handle'? Check the method name in FunctionEntryPoint (it is case-sensitive)."));

    [Fact]
    public Task A_delegate_input_is_FPKG1007_on_the_parameter() => Verify("""
        using System;
        namespace Hello;

        public static class Greeter
        {
            public static int Handle(Func<int> {|#0:callback|}) => callback();
        }
        """, "Hello.Greeter::Handle",
        new DiagnosticResult("FPKG1007", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point method 'Hello.Greeter::Handle' has an unsupported signature: the input parameter 'callback' is a delegate (System.Func<System.Int32>), which cannot be bound from event data; take string, byte[] or a class. Supported: zero or one input parameter (a POCO, string, byte[] or CloudNative.CloudEvents.CloudEvent) plus an optional CancellationToken, returning void, T, Task, Task<T>, ValueTask or ValueTask<T>."));

    [Fact]
    public Task A_span_result_is_FPKG1007_on_the_method() => Verify("""
        using System;
        namespace Hello;

        public static class Greeter
        {
            public static Span<byte> {|#0:Handle|}(string name) => default;
        }
        """, "Hello.Greeter::Handle",
        new DiagnosticResult("FPKG1007", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point method 'Hello.Greeter::Handle' has an unsupported signature: it returns a ref struct (System.Span<System.Byte>), which cannot be boxed or serialized; return a class, string or byte[]. Supported: zero or one input parameter (a POCO, string, byte[] or CloudNative.CloudEvents.CloudEvent) plus an optional CancellationToken, returning void, T, Task, Task<T>, ValueTask or ValueTask<T>."));

    [Fact]
    public Task A_struct_entry_type_is_FPKG1003_on_the_struct() => Verify("""
        namespace Hello;

        public struct {|#0:Greeter|}
        {
            public static string Handle(string name) => name;
        }
        """, "Hello.Greeter::Handle",
        new DiagnosticResult("FPKG1003", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point type 'Hello.Greeter' cannot be used: it is a struct (only classes are supported). Use a public, non-abstract, non-generic class (or a static class)."));

    [Fact]
    public Task Async_void_is_FPKG1006_on_the_method() => Verify("""
        using System.Threading.Tasks;
        namespace Hello;

        public static class Greeter
        {
            public static async void {|#0:Handle|}(string name) => await Task.Yield();
        }
        """, "Hello.Greeter::Handle",
        new DiagnosticResult("FPKG1006", DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("Entry point method 'Hello.Greeter::Handle' is 'async void': its completion and exceptions cannot be observed. Return Task or ValueTask instead."));

    [Fact]
    public Task Overloads_are_FPKG1005_on_the_first_with_the_others_as_additional_locations() => Verify("""
        namespace Hello;

        public static class Greeter
        {
            public static string {|#0:Handle|}(string name) => name;
            public static string {|#1:Handle|}(byte[] data) => "";
        }
        """, "Hello.Greeter::Handle",
        new DiagnosticResult("FPKG1005", DiagnosticSeverity.Error).WithLocation(0).WithLocation(1)
            .WithMessage("Entry point method 'Hello.Greeter::Handle' is overloaded (2 overloads), so the entry point is ambiguous. Rename the overloads so that exactly one public method has this name."));

    [Fact]
    public Task Discovery_finding_nothing_is_FPKG1009_on_the_project_file() => Verify("""
        namespace Hello;

        public static class Greeter
        {
            public static string Run(string name) => name;
        }
        """, null,
        OnProject("FPKG1009", "No entry point was found in 'Fn.dll': no public method named Handle or HandleAsync on a public non-abstract class. Set <FunctionEntryPoint>Namespace.Type::Method</FunctionEntryPoint>."));

    [Fact]
    public Task A_malformed_value_is_FPKG1001_on_the_project_file() => Verify("""
        namespace Hello;
        public static class Greeter { public static string Handle(string name) => name; }
        """, "Hello.Greeter:Handle",
        OnProject("FPKG1001", "FunctionEntryPoint 'Hello.Greeter:Handle' is not of the form Namespace.Type::Method. Set it like <FunctionEntryPoint>MyCompany.Orders.Handler::HandleAsync</FunctionEntryPoint>."));

    [Theory]
    [InlineData("Hello.Greeter::Handle")]
    [InlineData(null)]
    public Task A_valid_entry_point_is_silent(string? entryPoint) => Verify("""
        using System.Threading;
        using System.Threading.Tasks;
        namespace Hello;

        public static class Greeter
        {
            public static Task<string> Handle(string name, CancellationToken ct) => Task.FromResult(name);
        }
        """, entryPoint);

    [Theory]
    [InlineData("false")]
    [InlineData(null)]
    public Task Validation_off_or_not_a_function_project_is_silent(string? validate) => Verify("""
        namespace Hello;
        public static class Greeter { public static string Handle(string name) => name; }
        """, "Hello.Greter::Handle", validate);

    [Fact]
    public Task Half_typed_code_gets_only_the_compilers_error() => Verify("""
        namespace Hello;

        public static class Greeter
        {
            public static string Handle({|CS0246:Ordr|} order) => "";
        }
        """, "Hello.Greeter::Handle");
}
