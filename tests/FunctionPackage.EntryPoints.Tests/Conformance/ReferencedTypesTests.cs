using FunctionPackage.Sdk.EntryPoints;
using Xunit;

namespace FunctionPackage.EntryPoints.Tests.Conformance;

/// <summary>Why the task gets @(ReferencePath): only the referenced assembly knows that a type is a delegate or a ref struct.</summary>
public sealed class ReferencedTypesTests : IClassFixture<ConformanceAssemblies>
{
    private readonly TestCompilation _compiled;

    public ReferencedTypesTests(ConformanceAssemblies assemblies) => _compiled = assemblies["Functions.cs"];

    [Theory]
    [InlineData("Conf.Shapes::TimerCallbackInput")]
    [InlineData("Conf.Shapes::JsonReaderInput")]
    public void Without_the_references_a_referenced_delegate_or_ref_struct_looks_like_a_poco(string entryPoint)
    {
        var resolution = new EntryPointValidator().Resolve(_compiled.AssemblyPath, entryPoint, referencePaths: null);

        Assert.Equal("static;input=poco;cancellation=false;result=value", resolution.Shape.ToString());
    }

    [Theory]
    [InlineData("Conf.Shapes::DelegateInput")]
    [InlineData("Conf.Shapes::SpanResult")]
    public void Without_the_references_the_framework_names_still_answer(string entryPoint)
    {
        var ex = Assert.Throws<FunctionPackage.Sdk.Diagnostics.FunctionPackageException>(
            () => new EntryPointValidator().Resolve(_compiled.AssemblyPath, entryPoint, referencePaths: null));

        Assert.Equal(EntryPointCodes.UnsupportedSignature, ex.Code);
    }
}
