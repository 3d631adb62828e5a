using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.Tasks;
using Xunit;
using static FunctionPackage.Sdk.Tests.EntryPoints.EmittedAssembly;

namespace FunctionPackage.Sdk.Tests.EntryPoints;

public sealed class ValidateFunctionEntryPointTaskTests
{
    private static readonly string TestAssembly = typeof(EntryPointFixtures.Valid.Order).Assembly.Location;
    private const string ProjectFile = "/src/MyFunction/MyFunction.csproj";

    private static (ValidateFunctionEntryPoint Task, RecordingBuildEngine Engine) Create(string assemblyPath, string entryPoint)
    {
        var engine = new RecordingBuildEngine();
        var task = new ValidateFunctionEntryPoint
        {
            BuildEngine = engine,
            AssemblyPath = assemblyPath,
            EntryPoint = entryPoint,
            ProjectFile = ProjectFile,
        };
        return (task, engine);
    }

    [Fact]
    public void Outputs_are_empty_strings_before_execution()
    {
        var task = new ValidateFunctionEntryPoint();

        Assert.Equal("", task.AssemblyPath);
        Assert.Equal("", task.EntryPoint);
        Assert.Equal("", task.ProjectFile);
        Assert.Equal("", task.EntryPointType);
        Assert.Equal("", task.EntryPointMethod);
        Assert.Equal("", task.EntryPointShape);
    }

    [Fact]
    public void Success_sets_outputs()
    {
        var (task, engine) = Create(TestAssembly, "EntryPointFixtures.Valid.Outer+Middle+Inner::HandleAsync");

        Assert.True(task.Execute(), engine.Log());

        Assert.Empty(engine.Errors);
        Assert.Equal("EntryPointFixtures.Valid.Outer+Middle+Inner", task.EntryPointType);
        Assert.Equal("HandleAsync", task.EntryPointMethod);
        Assert.Equal("instance;input=string;cancellation=false;result=taskOfT", task.EntryPointShape);
    }

    [Fact]
    public void Missing_method_logs_FPKG1004_on_the_project_file()
    {
        var (task, engine) = Create(TestAssembly, "EntryPointFixtures.Valid.StaticShapes::Handel");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(DiagnosticCodes.EntryPointMethodNotFound, error.Code);
        Assert.Equal(ProjectFile, error.File);
        Assert.Equal(0, error.LineNumber);
        Assert.Contains("'Handel'", error.Message);
        Assert.Equal("", task.EntryPointType);
        Assert.Equal("", task.EntryPointShape);
    }

    [Fact]
    public void Malformed_entry_point_logs_FPKG1001()
    {
        var (task, engine) = Create(TestAssembly, "EntryPointFixtures.Valid.StaticShapes.NoneVoid");

        Assert.False(task.Execute());

        Assert.Equal(new[] { DiagnosticCodes.EntryPointMalformed }, engine.ErrorCodes);
    }

    [Fact]
    public void Missing_assembly_logs_FPKG1011()
    {
        var (task, engine) = Create("/nonexistent/MyFunction.dll", "");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(DiagnosticCodes.AssemblyUnreadable, error.Code);
        Assert.Equal(ProjectFile, error.File);
    }

    [Fact]
    public void Empty_entry_point_discovers_and_sets_outputs()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.TaskDiscovery");
        Method(asm.Type("Fn.Orders.Handler"), "HandleAsync", PublicInstance, typeof(Task), typeof(System.Text.StringBuilder), typeof(CancellationToken));
        var path = asm.Save(temp.Path);
        var (task, engine) = Create(path, "");

        Assert.True(task.Execute(), engine.Log());

        Assert.Equal("Fn.Orders.Handler", task.EntryPointType);
        Assert.Equal("HandleAsync", task.EntryPointMethod);
        Assert.Equal("instance;input=poco;cancellation=true;result=task", task.EntryPointShape);
        Assert.Contains(engine.Messages, m => m.Message!.Contains("(discovered): Fn.Orders.Handler::HandleAsync", StringComparison.Ordinal));
    }

    [Fact]
    public void Several_candidates_log_FPKG1010()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.TaskAmbiguous");
        Method(asm.Type("Fn.A"), "Handle", PublicStatic, typeof(void));
        Method(asm.Type("Fn.B"), "Handle", PublicStatic, typeof(void));
        var path = asm.Save(temp.Path);
        var (task, engine) = Create(path, "");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(DiagnosticCodes.EntryPointAmbiguous, error.Code);
        Assert.Contains("Fn.A::Handle, Fn.B::Handle", error.Message);
    }
}
