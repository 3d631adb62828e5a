using FunctionPackage.Model;
using System.Reflection;
using FunctionPackage.EntryPoints;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.EntryPoints;
using Xunit;
using static FunctionPackage.Sdk.Tests.EntryPoints.EmittedAssembly;

namespace FunctionPackage.Sdk.Tests.EntryPoints;

public sealed class EntryPointValidatorTests
{
    // The fixtures in EntryPointFixtures.cs are compiled into this assembly; the validator reads it as a file.
    private static readonly string TestAssembly = typeof(EntryPointFixtures.Valid.Order).Assembly.Location;
    private const string Valid = "EntryPointFixtures.Valid.";
    private const string Invalid = "EntryPointFixtures.Invalid.";

    private static EntryPointResolution Resolve(string? entryPoint, string? assemblyPath = null) =>
        new EntryPointValidator().Resolve(assemblyPath ?? TestAssembly, entryPoint);

    private static FunctionPackageException Fails(string expectedCode, string? entryPoint, string? assemblyPath = null)
    {
        var ex = Assert.Throws<FunctionPackageException>(() => Resolve(entryPoint, assemblyPath));
        Assert.True(ex.Code == expectedCode, $"Expected {expectedCode} but got {ex.Code}: {ex.Message}");
        return ex;
    }

    [Theory]
    [InlineData("StaticShapes::NoneVoid", "static;input=none;cancellation=false;result=void")]
    [InlineData("StaticShapes::PocoValue", "static;input=poco;cancellation=false;result=value")]
    [InlineData("StaticShapes::StringTask", "static;input=string;cancellation=false;result=task")]
    [InlineData("StaticShapes::BytesTaskOfT", "static;input=bytes;cancellation=true;result=taskOfT")]
    [InlineData("StaticShapes::CloudEventValueTask", "static;input=cloudevent;cancellation=true;result=valueTask")]
    [InlineData("StaticShapes::NoneCancellationValueTaskOfT", "static;input=none;cancellation=true;result=valueTaskOfT")]
    [InlineData("StaticShapes::CancellationOnlyVoid", "static;input=none;cancellation=true;result=void")]
    [InlineData("StaticShapes::AsyncTaskOfT", "static;input=poco;cancellation=false;result=taskOfT")]
    [InlineData("StaticShapes::AsyncTask", "static;input=string;cancellation=true;result=task")]
    [InlineData("StaticShapes::AsyncStream", "static;input=poco;cancellation=false;result=value")]
    [InlineData("StaticShapes::ArrayOfIntsIsPoco", "static;input=poco;cancellation=false;result=value")]
    [InlineData("StaticShapes::GenericPoco", "static;input=poco;cancellation=false;result=value")]
    [InlineData("StaticShapes::IntPtrIsPoco", "static;input=poco;cancellation=false;result=value")]
    [InlineData("StaticShapes::OptionalParameter", "static;input=string;cancellation=false;result=value")]
    [InlineData("StaticShapes::ParamsArray", "static;input=poco;cancellation=false;result=value")]
    [InlineData("InstanceShapes::PocoVoid", "instance;input=poco;cancellation=false;result=void")]
    [InlineData("InstanceShapes::CloudEventTaskOfT", "instance;input=cloudevent;cancellation=true;result=taskOfT")]
    [InlineData("InstanceShapes::BytesValueTaskOfT", "instance;input=bytes;cancellation=false;result=valueTaskOfT")]
    [InlineData("InstanceShapes::StringValue", "instance;input=string;cancellation=false;result=value")]
    [InlineData("ExplicitConstructor::Handle", "instance;input=poco;cancellation=false;result=task")]
    [InlineData("WithPrivateOverload::Handle", "instance;input=poco;cancellation=false;result=void")]
    [InlineData("Outer+Middle+Inner::HandleAsync", "instance;input=string;cancellation=false;result=taskOfT")]
    public void Resolves_supported_shapes(string entryPoint, string expectedShape)
    {
        var resolution = Resolve(Valid + entryPoint);

        var expectedType = Valid + entryPoint.Substring(0, entryPoint.IndexOf("::", StringComparison.Ordinal));
        var expectedMethod = entryPoint.Substring(entryPoint.IndexOf("::", StringComparison.Ordinal) + 2);
        Assert.Equal(expectedType, resolution.TypeName);
        Assert.Equal(expectedMethod, resolution.MethodName);
        Assert.Equal(expectedShape, resolution.Shape.ToString());
        Assert.False(resolution.Discovered);
    }

    [Fact]
    public void Shape_record_carries_the_decoded_parts()
    {
        var shape = Resolve(Valid + "StaticShapes::BytesTaskOfT").Shape;

        Assert.Equal(new EntryPointShape(true, EntryPointInputKind.Bytes, true, EntryPointResultKind.TaskOfT), shape);
    }

    [Fact]
    public void Static_method_on_a_type_without_parameterless_constructor_is_fine()
    {
        var resolution = Resolve(Invalid + "NoParameterlessConstructor::StaticIsFine");

        Assert.Equal("static;input=poco;cancellation=false;result=void", resolution.Shape.ToString());
    }

    [Fact]
    public void Surrounding_whitespace_in_the_entry_point_is_ignored()
    {
        var resolution = Resolve("  " + Valid + "StaticShapes::PocoValue \n");

        Assert.Equal(Valid + "StaticShapes::PocoValue", resolution.Reference);
    }

    [Theory]
    [InlineData("NoSeparator")]
    [InlineData("Ns.Type:Method")]
    [InlineData("Ns.Type::")]
    [InlineData("::Method")]
    [InlineData("Ns.Type::Method.Name")]
    [InlineData("Ns.Type::A::B")]
    [InlineData("Ns Type::Method")]
    [InlineData(".Ns.Type::Method")]
    public void FPKG1001_malformed_entry_point(string entryPoint)
    {
        // Reported before the assembly is opened, so a missing file does not hide it.
        var ex = Fails(DiagnosticCodes.EntryPointMalformed, entryPoint, "/nonexistent/Function.dll");

        Assert.Contains($"'{entryPoint}'", ex.Message);
        Assert.Contains("Namespace.Type::Method", ex.Message);
    }

    [Fact]
    public void FPKG1002_type_not_found_names_type_and_assembly()
    {
        var ex = Fails(DiagnosticCodes.EntryPointTypeNotFound, Valid + "NoSuchType::Handle");

        Assert.Contains($"'{Valid}NoSuchType'", ex.Message);
        Assert.Contains(Path.GetFileName(TestAssembly), ex.Message);
        Assert.DoesNotContain("Did you mean", ex.Message);
    }

    [Theory]
    [InlineData("EntryPointFixtures.valid.instanceshapes", "EntryPointFixtures.Valid.InstanceShapes")]
    [InlineData("Wrong.Namespace.InstanceShapes", "EntryPointFixtures.Valid.InstanceShapes")]
    [InlineData("EntryPointFixtures.Valid.Outer.Middle.Inner", "EntryPointFixtures.Valid.Outer+Middle+Inner")]
    [InlineData("Inner", "EntryPointFixtures.Valid.Outer+Middle+Inner")]
    [InlineData("EntryPointFixtures.Valid.InstanceShaps", "EntryPointFixtures.Valid.InstanceShapes")]
    [InlineData("EntryPointFixtures.Valid.InstnaceShapes", "EntryPointFixtures.Valid.InstanceShapes")]
    public void FPKG1002_suggests_near_matches(string typeName, string suggestion)
    {
        var ex = Fails(DiagnosticCodes.EntryPointTypeNotFound, typeName + "::Handle");

        Assert.Contains($"Did you mean '{suggestion}'", ex.Message);
    }

    [Theory]
    [InlineData("IHandler", "an interface")]
    [InlineData("StructHandler", "a struct")]
    [InlineData("EnumHandler", "an enum")]
    [InlineData("DelegateHandler", "a delegate")]
    [InlineData("AbstractHandler", "abstract")]
    [InlineData("GenericHandler`1", "generic")]
    [InlineData("GenericHandler", "generic")]
    [InlineData("InternalHandler", "not public (it is internal)")]
    [InlineData("Container+InternalNested", "not public (it is internal)")]
    [InlineData("Container+PrivateNested", "not public (it is private)")]
    [InlineData("InternalOuter+PublicInner", "nested in 'EntryPointFixtures.Invalid.InternalOuter', which is internal")]
    public void FPKG1003_type_not_usable(string typeName, string reason)
    {
        var ex = Fails(DiagnosticCodes.EntryPointTypeNotUsable, Invalid + typeName + "::Handle");

        Assert.Contains($"it is {reason}", ex.Message);
    }

    [Fact]
    public void FPKG1004_method_not_found_lists_public_methods()
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodNotFound, Invalid + "Methods::Run");

        Assert.Contains("'Run'", ex.Message);
        // Ordinal order, capped at ten.
        Assert.Contains("Public methods declared on the type: AsyncVoid, CancellationFirst, Generic, HandleOrder, In, Out, Overloaded, Ref, RefReturn, ThreeInputs, ....", ex.Message);
        // Non-public methods are not offered.
        Assert.DoesNotContain("Private", ex.Message);
    }

    [Fact]
    public void FPKG1004_method_with_a_typo_is_suggested()
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodNotFound, Invalid + "Methods::HandelOrder");

        Assert.Contains("Did you mean 'HandleOrder'?", ex.Message);
    }

    [Fact]
    public void FPKG1004_method_differing_in_case_is_suggested()
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodNotFound, Invalid + "Methods::HANDLE");

        Assert.Contains("Did you mean 'handle'?", ex.Message);
    }

    [Fact]
    public void FPKG1004_type_without_public_methods_says_so()
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodNotFound, Invalid + "NoPublicMethods::Run");

        Assert.Contains("declares no public methods", ex.Message);
    }

    [Fact]
    public void FPKG1004_inherited_method_is_explained()
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodNotFound, Invalid + "DerivedHandler::Handle");

        Assert.Contains($"inherited from '{Invalid}BaseHandler'", ex.Message);
    }

    [Fact]
    public void FPKG1004_property_accessors_are_not_methods()
    {
        Fails(DiagnosticCodes.EntryPointMethodNotFound, Valid + "WithPrivateOverload::get_Name");
    }

    [Fact]
    public void FPKG1005_overloaded_method_reports_count()
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodOverloaded, Invalid + "Methods::Overloaded");

        Assert.Contains($"'{Invalid}Methods::Overloaded'", ex.Message);
        Assert.Contains("3 overloads", ex.Message);
    }

    [Fact]
    public void FPKG1006_async_void()
    {
        var ex = Fails(DiagnosticCodes.EntryPointAsyncVoid, Invalid + "Methods::AsyncVoid");

        Assert.Contains($"'{Invalid}Methods::AsyncVoid'", ex.Message);
    }

    [Theory]
    [InlineData("TwoInputs", "it has 2 input parameters ('order', 'note')")]
    [InlineData("ThreeInputs", "the CancellationToken parameter 'cancellationToken' must be the last parameter")]
    [InlineData("CancellationFirst", "the CancellationToken parameter 'cancellationToken' must be the last parameter")]
    [InlineData("Ref", "the input parameter 'order' is passed by reference")]
    [InlineData("Out", "the input parameter 'order' is passed by reference")]
    [InlineData("In", "the input parameter 'order' is passed by reference")]
    [InlineData("RefReturn", "it returns by reference")]
    public void FPKG1007_unsupported_signature(string method, string reason)
    {
        var ex = Fails(DiagnosticCodes.EntryPointUnsupportedSignature, Invalid + "Methods::" + method);

        Assert.Contains(reason, ex.Message);
    }

    [Theory]
    [InlineData("PointerInput", "the input parameter 'input' is a pointer")]
    [InlineData("PointerResult", "it returns a pointer")]
    [InlineData("VarArgs", "VarArgs calling convention")]
    public void FPKG1007_unsupported_signature_in_il(string method, string reason)
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.Pointers");
        var type = asm.Type("Fn.Pointers.Handler", StaticClass);
        var input = Method(type, "PointerInput", PublicStatic, typeof(void), typeof(int).MakePointerType());
        input.DefineParameter(1, ParameterAttributes.None, "input");
        Method(type, "PointerResult", PublicStatic, typeof(byte).MakePointerType());
        VarArgMethod(type, "VarArgs");
        var path = asm.Save(temp.Path);

        var ex = Fails(DiagnosticCodes.EntryPointUnsupportedSignature, "Fn.Pointers.Handler::" + method, path);

        Assert.Contains(reason, ex.Message);
    }

    [Theory]
    [InlineData("NoParameterlessConstructor")]
    [InlineData("PrivateConstructor")]
    public void FPKG1008_instance_method_needs_public_parameterless_constructor(string typeName)
    {
        var ex = Fails(DiagnosticCodes.EntryPointNoConstructor, Invalid + typeName + "::Handle");

        Assert.Contains($"type '{Invalid}{typeName}' has no public parameterless constructor", ex.Message);
    }

    [Fact]
    public void FPKG1008_instance_method_on_static_class()
    {
        // C# cannot declare this; IL can. A static class has no constructor, so it is reported like any other.
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.StaticInstance");
        var type = asm.Type("Fn.StaticHolder", StaticClass);
        Method(type, "Handle", PublicInstance, typeof(void), typeof(string));
        var path = asm.Save(temp.Path);

        Fails(DiagnosticCodes.EntryPointNoConstructor, "Fn.StaticHolder::Handle", path);
    }

    [Theory]
    [InlineData("Private", "not public (it is private)")]
    [InlineData("Internal", "not public (it is internal)")]
    [InlineData("Generic", "generic")]
    public void FPKG1012_method_not_usable(string method, string reason)
    {
        var ex = Fails(DiagnosticCodes.EntryPointMethodNotUsable, Invalid + "Methods::" + method);

        Assert.Contains($"it is {reason}", ex.Message);
    }

    [Fact]
    public void FPKG1011_missing_assembly()
    {
        var ex = Fails(DiagnosticCodes.AssemblyUnreadable, Valid + "StaticShapes::NoneVoid", "/nonexistent/Function.dll");

        Assert.Contains("does not exist", ex.Message);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x4D, 0x5A, 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void FPKG1011_not_an_assembly(byte[] content)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "Broken.dll");
        File.WriteAllBytes(path, content);

        var ex = Fails(DiagnosticCodes.AssemblyUnreadable, Valid + "StaticShapes::NoneVoid", path);

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Discovery_finds_the_single_candidate_among_non_candidates()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.Single");
        var function = asm.Type("Fn.Function", StaticClass);
        Method(function, "HandleAsync", PublicStatic, typeof(Task<string>), typeof(string), typeof(CancellationToken));
        Method(function, "Run", PublicStatic, typeof(void));
        Method(asm.Type("Fn.Abstract", PublicClass | TypeAttributes.Abstract), "Handle", PublicStatic, typeof(void));
        Method(asm.Type("Fn.Internal", TypeAttributes.NotPublic), "Handle", PublicStatic, typeof(void));
        Method(asm.Type("Fn.WithPrivate"), "Handle", MethodAttributes.Private | MethodAttributes.Static, typeof(void));
        Method(asm.Type("Fn.WrongCase"), "handle", PublicStatic, typeof(void));
        var generic = asm.Type("Fn.Generic`1");
        generic.DefineGenericParameters("T");
        Method(generic, "Handle", PublicStatic, typeof(void));
        var genericMethod = Method(asm.Type("Fn.GenericMethod"), "Handle", PublicStatic, typeof(void));
        genericMethod.DefineGenericParameters("T");
        Method(asm.Nested(asm.Type("Fn.Outer"), "Private", TypeAttributes.NestedPrivate), "Handle", PublicStatic, typeof(void));
        var path = asm.Save(temp.Path);

        foreach (var unset in new[] { null, "", "   " })
        {
            var resolution = Resolve(unset, path);

            Assert.Equal("Fn.Function", resolution.TypeName);
            Assert.Equal("HandleAsync", resolution.MethodName);
            Assert.Equal("static;input=string;cancellation=true;result=taskOfT", resolution.Shape.ToString());
            Assert.True(resolution.Discovered);
        }
    }

    [Fact]
    public void Discovery_finds_a_nested_public_instance_candidate()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.Nested");
        var inner = asm.Nested(asm.Type("Fn.Outer"), "Inner", TypeAttributes.NestedPublic);
        Method(inner, "Handle", PublicInstance, typeof(ValueTask), typeof(byte[]));
        var path = asm.Save(temp.Path);

        var resolution = Resolve(null, path);

        Assert.Equal("Fn.Outer+Inner::Handle", resolution.Reference);
        Assert.Equal("instance;input=bytes;cancellation=false;result=valueTask", resolution.Shape.ToString());
    }

    [Fact]
    public void Discovery_validates_the_candidate_it_finds()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.Overloads");
        var type = asm.Type("Fn.Function");
        Method(type, "Handle", PublicStatic, typeof(void), typeof(string));
        Method(type, "Handle", PublicStatic, typeof(void), typeof(byte[]));
        var path = asm.Save(temp.Path);

        var ex = Fails(DiagnosticCodes.EntryPointMethodOverloaded, null, path);

        Assert.Contains("'Fn.Function::Handle'", ex.Message);
    }

    [Fact]
    public void FPKG1009_no_candidate()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.None");
        Method(asm.Type("Fn.Function"), "Run", PublicStatic, typeof(void));
        Method(asm.Type("Fn.Abstract", PublicClass | TypeAttributes.Abstract), "Handle", PublicStatic, typeof(void));
        Method(asm.Type("Fn.Internal", TypeAttributes.NotPublic), "HandleAsync", PublicStatic, typeof(Task));
        var path = asm.Save(temp.Path);

        var ex = Fails(DiagnosticCodes.EntryPointNotDiscovered, "", path);

        Assert.Contains("'Fn.None.dll'", ex.Message);
        Assert.Contains("<FunctionEntryPoint>", ex.Message);
    }

    [Fact]
    public void FPKG1010_several_candidates_are_listed_in_ordinal_order()
    {
        using var temp = new TempFolder();
        var asm = new EmittedAssembly("Fn.Many");
        Method(asm.Type("Zeta.C"), "Handle", PublicStatic, typeof(void));
        Method(asm.Type("Ns.B"), "Handle", PublicStatic, typeof(void));
        var a = asm.Type("Ns.A");
        Method(a, "HandleAsync", PublicInstance, typeof(Task));
        Method(a, "Handle", PublicInstance, typeof(void));
        Method(asm.Nested(a, "Nested", TypeAttributes.NestedPublic), "Handle", PublicStatic, typeof(void));
        Method(asm.Type("Ns.Ignored", TypeAttributes.NotPublic), "Handle", PublicStatic, typeof(void));
        var path = asm.Save(temp.Path);

        var ex = Fails(DiagnosticCodes.EntryPointAmbiguous, null, path);

        Assert.Contains("'Fn.Many.dll': Ns.A+Nested::Handle, Ns.A::Handle, Ns.A::HandleAsync, Ns.B::Handle, Zeta.C::Handle.", ex.Message);
    }

    [Fact]
    public void Assembly_is_neither_loaded_nor_kept_open()
    {
        using var temp = new TempFolder();
        var name = "Fn.Unlocked" + Guid.NewGuid().ToString("N");
        var asm = new EmittedAssembly(name);
        Method(asm.Type("Fn.Function"), "Handle", PublicStatic, typeof(void));
        var path = asm.Save(temp.Path);

        var resolution = Resolve(null, path);

        Assert.Equal("Fn.Function::Handle", resolution.Reference);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == name);
        if (OperatingSystem.IsLinux())
        {
            // Unix never blocks a move or delete of an open file, so look for a leaked descriptor directly.
            var open = Directory.GetFiles("/proc/self/fd")
                .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
                .Where(target => target is not null && target.StartsWith(temp.Path, StringComparison.Ordinal))
                .ToList();
            Assert.Empty(open);
        }
        var moved = path + ".moved";
        File.Move(path, moved);
        File.Delete(moved);
        Assert.False(File.Exists(moved));
    }

    [Fact]
    public void Assembly_open_for_writing_elsewhere_can_still_be_read()
    {
        // A compiler or copy step may hold the output open; the validator shares read/write/delete access.
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "Copy.dll");
        File.Copy(TestAssembly, path);
        using var writer = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);

        var resolution = Resolve(Valid + "StaticShapes::PocoValue", path);

        Assert.Equal("PocoValue", resolution.MethodName);
    }
}
