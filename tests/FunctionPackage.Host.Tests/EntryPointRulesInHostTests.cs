using FunctionPackage.EntryPoints;
using FunctionPackage.Model;
using Xunit;

namespace FunctionPackage.Host.Tests;

public struct StructHandler
{
    public static int Handle(string text) => text.Length;
}

public static class DisagreementShapes
{
    public static int DelegateInput(Func<int> callback) => callback();
    public static int SpanInput(ReadOnlySpan<byte> data) => data.Length;
}

public static class SpanShapes
{
    public static Span<byte> Handle(string text) => new byte[text.Length];
}

/// <summary>The three cases the build and the host used to disagree on, now one rule each (docs/entry-point.md).</summary>
public sealed class EntryPointRulesInHostTests
{
    private static FunctionHostException Refused(string type, string method) =>
        Assert.Throws<FunctionHostException>(() => FunctionInvoker.Create(typeof(StructHandler).Assembly, type, method));

    [Fact]
    public void A_struct_entry_type_is_refused_at_load_with_the_builds_FPKG1003()
    {
        var ex = Refused(typeof(StructHandler).FullName!, "Handle");

        Assert.Equal(EntryPointCodes.TypeNotUsable, ex.Code);
        Assert.Contains("it is a struct (only classes are supported)", ex.Message);
    }

    [Theory]
    [InlineData(nameof(DisagreementShapes.DelegateInput), "the input parameter 'callback' is a delegate (System.Func<System.Int32>)")]
    [InlineData(nameof(DisagreementShapes.SpanInput), "the input parameter 'data' is a ref struct (System.ReadOnlySpan<System.Byte>)")]
    public void Delegate_and_ref_struct_inputs_are_FPKG4008_naming_the_builds_FPKG1007(string method, string reason)
    {
        var ex = Refused(typeof(DisagreementShapes).FullName!, method);

        Assert.Equal(HostErrorCodes.UnsupportedSignature, ex.Code);
        Assert.Contains(reason, ex.Message);
        Assert.Contains("FPKG1007", ex.Message);
    }

    [Fact]
    public void A_ref_struct_result_is_FPKG4008()
    {
        var ex = Refused(typeof(SpanShapes).FullName!, "Handle");

        Assert.Equal(HostErrorCodes.UnsupportedSignature, ex.Code);
        Assert.Contains("it returns a ref struct (System.Span<System.Byte>)", ex.Message);
    }

    [Fact]
    public void A_recorded_shape_that_reflection_does_not_find_is_FPKG1050()
    {
        var recorded = new EntryPointShape(true, EntryPointInputKind.Poco, false, EntryPointResultKind.Value).ToString();

        var ex = Assert.Throws<FunctionHostException>(() =>
            FunctionInvoker.Create(typeof(Shapes).Assembly, typeof(Shapes).FullName!, nameof(Shapes.Text), recorded));

        Assert.Equal(EntryPointCodes.ShapeMismatch, ex.Code);
        Assert.Contains("(static;input=poco;cancellation=false;result=value)", ex.Message);
        Assert.Contains("(static;input=string;cancellation=false;result=value)", ex.Message);
    }

    [Fact]
    public void A_recorded_shape_that_is_not_a_shape_is_FPKG1050()
    {
        var ex = Assert.Throws<FunctionHostException>(() =>
            FunctionInvoker.Create(typeof(Shapes).Assembly, typeof(Shapes).FullName!, nameof(Shapes.Text), "static;input=text"));

        Assert.Equal(EntryPointCodes.ShapeMismatch, ex.Code);
    }

    [Fact]
    public void A_matching_recorded_shape_loads()
    {
        var recorded = new EntryPointShape(true, EntryPointInputKind.String, false, EntryPointResultKind.Value);

        var invoker = FunctionInvoker.Create(typeof(Shapes).Assembly, typeof(Shapes).FullName!, nameof(Shapes.Text), recorded.ToString());

        Assert.Equal(recorded, invoker.Shape);
    }
}
