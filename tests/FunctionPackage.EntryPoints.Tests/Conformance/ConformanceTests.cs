using Xunit;
using Xunit.Abstractions;

namespace FunctionPackage.EntryPoints.Tests.Conformance;

/// <summary>The compiled conformance assemblies, built once for the whole table.</summary>
public sealed class ConformanceAssemblies : IDisposable
{
    private readonly Dictionary<string, TestCompilation> _compiled = new();

    public TestCompilation this[string source]
    {
        get
        {
            lock (_compiled)
            {
                if (!_compiled.TryGetValue(source, out var compiled))
                    _compiled[source] = compiled = TestCompilation.Compile(Path.GetFileNameWithoutExtension(source), source);
                return compiled;
            }
        }
    }

    public void Dispose()
    {
        foreach (var compiled in _compiled.Values) compiled.Dispose();
    }
}

/// <summary>
/// One table of entry points, every supported shape and every refused one, run through the three readers: the SDK
/// task's (metadata of the emitted file), the host's (reflection in a collectible load context) and the analyzer's
/// (Roslyn symbols, and the analyzer's own diagnostics). All three must give the same shape, or the same code with
/// the same message, and that must be the expected one.
/// </summary>
public sealed class ConformanceTests : IClassFixture<ConformanceAssemblies>
{
    private const string Functions = "Functions.cs";
    private readonly ConformanceAssemblies _assemblies;
    private readonly ITestOutputHelper _output;

    public ConformanceTests(ConformanceAssemblies assemblies, ITestOutputHelper output)
    {
        _assemblies = assemblies;
        _output = output;
    }

    /// <summary>(source, FunctionEntryPoint, expected: a shape, or "CODE: a fragment of the message").</summary>
    public static TheoryData<string, string?, string> Table() => new()
    {
        // Supported shapes.
        { Functions, "Conf.Shapes::NoneVoid", "static;input=none;cancellation=false;result=void" },
        { Functions, "Conf.Shapes::PocoValue", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::StringTask", "static;input=string;cancellation=false;result=task" },
        { Functions, "Conf.Shapes::BytesTaskOfT", "static;input=bytes;cancellation=true;result=taskOfT" },
        { Functions, "Conf.Shapes::CloudEventValueTask", "static;input=cloudevent;cancellation=true;result=valueTask" },
        { Functions, "Conf.Shapes::TokenOnlyValueTaskOfT", "static;input=none;cancellation=true;result=valueTaskOfT" },
        { Functions, "Conf.Shapes::TokenOnlyVoid", "static;input=none;cancellation=true;result=void" },
        { Functions, "Conf.Shapes::AsyncTaskOfT", "static;input=poco;cancellation=false;result=taskOfT" },
        { Functions, "Conf.Shapes::AsyncTask", "static;input=string;cancellation=true;result=task" },
        { Functions, "Conf.Shapes::AsyncStream", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::ListInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::NullableInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::TupleInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::DynamicInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::NativeIntInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::StructInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::EnumInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::ObjectInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::JaggedInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::MatrixInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::OptionalInput", "static;input=string;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::ParamsInput", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::StructResult", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::NestedGenericResult", "static;input=none;cancellation=false;result=value" },
        { Functions, "Conf.Shapes::NestedResult", "static;input=none;cancellation=false;result=value" },
        { Functions, "  Conf.Shapes::PocoValue  ", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.Instance::PocoVoid", "instance;input=poco;cancellation=false;result=void" },
        { Functions, "Conf.Instance::CloudEventTaskOfT", "instance;input=cloudevent;cancellation=true;result=taskOfT" },
        { Functions, "Conf.Instance::BytesValueTaskOfT", "instance;input=bytes;cancellation=false;result=valueTaskOfT" },
        { Functions, "Conf.WithExplicitConstructor::Handle", "instance;input=poco;cancellation=false;result=task" },
        { Functions, "Conf.WithPrivateOverload::Handle", "instance;input=poco;cancellation=false;result=void" },
        { Functions, "Conf.Outer+Inner::HandleAsync", "instance;input=string;cancellation=false;result=taskOfT" },
        { Functions, "Conf.Message::Handle", "static;input=poco;cancellation=false;result=value" },
        { Functions, "Conf.NoParameterlessConstructor::StaticIsFine", "static;input=poco;cancellation=false;result=void" },

        // FPKG1001: not Namespace.Type::Method.
        { Functions, "Conf.Shapes:NoneVoid", "FPKG1001: 'Conf.Shapes:NoneVoid'" },
        { Functions, "Conf.Shapes::A::B", "FPKG1001: Namespace.Type::Method" },
        // FPKG1002: the type is not there (with and without a near miss).
        { Functions, "Conf.Shaeps::NoneVoid", "FPKG1002: Did you mean 'Conf.Shapes'?" },
        { Functions, "conf.shapes::NoneVoid", "FPKG1002: Did you mean 'Conf.Shapes'?" },
        { Functions, "Conf.Outer.Inner::HandleAsync", "FPKG1002: Did you mean 'Conf.Outer+Inner'?" },
        { Functions, "Elsewhere.Inner::HandleAsync", "FPKG1002: Did you mean 'Conf.Outer+Inner'?" },
        { Functions, "Nope.Nothing::Handle", "FPKG1002: 'Nope.Nothing' was not found in 'Functions.dll'. Check" },
        // FPKG1003: the type cannot host an entry point (a struct is refused everywhere: one rule).
        { Functions, "Conf.IHandler::Handle", "FPKG1003: it is an interface" },
        { Functions, "Conf.StructHandler::Handle", "FPKG1003: it is a struct (only classes are supported)" },
        { Functions, "Conf.EnumHandler::Handle", "FPKG1003: it is an enum" },
        { Functions, "Conf.DelegateHandler::Invoke", "FPKG1003: it is a delegate" },
        { Functions, "Conf.AbstractHandler::Handle", "FPKG1003: it is abstract" },
        { Functions, "Conf.GenericHandler`1::Handle", "FPKG1003: it is generic" },
        { Functions, "Conf.GenericHandler::Handle", "FPKG1003: it is generic" },
        { Functions, "Conf.GenericHandler`1+Nested::Handle", "FPKG1003: it is generic" },
        { Functions, "Conf.InternalHandler::Handle", "FPKG1003: not public (it is internal)" },
        { Functions, "Conf.Container+PrivateNested::Handle", "FPKG1003: not public (it is private)" },
        { Functions, "Conf.Container+InternalNested::Handle", "FPKG1003: not public (it is internal)" },
        { Functions, "Conf.InternalOuter+PublicInner::Handle", "FPKG1003: nested in 'Conf.InternalOuter', which is internal" },
        // FPKG1004: no such public method declared on the type.
        { Functions, "Conf.Shapes::NoneVoyd", "FPKG1004: Did you mean 'NoneVoid'?" },
        { Functions, "Conf.Instance::Missing", "FPKG1004: Public methods declared on the type: BytesValueTaskOfT, CloudEventTaskOfT, PocoVoid." },
        { Functions, "Conf.DerivedHandler::Inherited", "FPKG1004: It is inherited from 'Conf.BaseHandler'" },
        { Functions, "Conf.NoPublicMethods::Run", "FPKG1012: not public (it is private)" },
        { Functions, "Conf.NoPublicMethods::Go", "FPKG1004: The type declares no public methods." },
        { Functions, "Conf.WithPrivateOverload::get_Name", "FPKG1004: 'get_Name'" },
        { Functions, "Conf.Message::Missing", "FPKG1004: Public methods declared on the type: <Clone>$, Deconstruct, Equals, GetHashCode, Handle, Instance, ToString." },
        // FPKG1005, FPKG1006, FPKG1012.
        { Functions, "Conf.Shapes::Overloaded", "FPKG1005: (2 overloads)" },
        { Functions, "Conf.Shapes::AsyncVoid", "FPKG1006: 'Conf.Shapes::AsyncVoid' is 'async void'" },
        { Functions, "Conf.Shapes::Hidden", "FPKG1012: not public (it is internal)" },
        { Functions, "Conf.Shapes::GenericMethod", "FPKG1012: it is generic" },
        // FPKG1007: unsupported signatures, including the delegate and ref struct rules.
        { Functions, "Conf.Shapes::TwoInputs", "FPKG1007: it has 2 input parameters ('order', 'note')" },
        { Functions, "Conf.Shapes::TokenFirst", "FPKG1007: the CancellationToken parameter 'ct' must be the last parameter" },
        { Functions, "Conf.Shapes::ThreeInputs", "FPKG1007: the CancellationToken parameter 'ct' must be the last parameter" },
        { Functions, "Conf.Shapes::RefInput", "FPKG1007: the input parameter 'order' is passed by reference" },
        { Functions, "Conf.Shapes::OutInput", "FPKG1007: the input parameter 'order' is passed by reference" },
        { Functions, "Conf.Shapes::InInput", "FPKG1007: the input parameter 'point' is passed by reference" },
        { Functions, "Conf.Shapes::RefReadonlyInput", "FPKG1007: the input parameter 'point' is passed by reference" },
        { Functions, "Conf.Shapes::RefReturn", "FPKG1007: it returns by reference" },
        { Functions, "Conf.Shapes::PointerInput", "FPKG1007: the input parameter 'value' is a pointer" },
        { Functions, "Conf.Shapes::PointerResult", "FPKG1007: it returns a pointer" },
        { Functions, "Conf.Shapes::FunctionPointerInput", "FPKG1007: the input parameter 'callback' is a function pointer" },
        { Functions, "Conf.Shapes::VarArgs", "FPKG1007: it uses the VarArgs calling convention" },
        { Functions, "Conf.Shapes::DelegateInput", "FPKG1007: the input parameter 'callback' is a delegate (System.Func<System.Int32>)" },
        { Functions, "Conf.Shapes::ActionInput", "FPKG1007: the input parameter 'callback' is a delegate (System.Action<System.String>)" },
        { Functions, "Conf.Shapes::OwnDelegateInput", "FPKG1007: the input parameter 'callback' is a delegate (Conf.OwnCallback)" },
        { Functions, "Conf.Shapes::BaseDelegateInput", "FPKG1007: the input parameter 'callback' is a delegate (System.Delegate)" },
        { Functions, "Conf.Shapes::DelegateResult", "FPKG1007: it returns a delegate (System.Func<System.Int32>)" },
        { Functions, "Conf.Shapes::SpanInput", "FPKG1007: the input parameter 'data' is a ref struct (System.ReadOnlySpan<System.Byte>)" },
        { Functions, "Conf.Shapes::SpanResult", "FPKG1007: it returns a ref struct (System.Span<System.Byte>)" },
        { Functions, "Conf.Shapes::TimerCallbackInput", "FPKG1007: the input parameter 'callback' is a delegate (System.Threading.TimerCallback)" },
        { Functions, "Conf.Shapes::JsonReaderInput", "FPKG1007: the input parameter 'reader' is a ref struct (System.Text.Json.Utf8JsonReader)" },
        { Functions, "Conf.Shapes::OwnRefStructInput", "FPKG1007: the input parameter 'value' is a ref struct (Conf.OwnRefStruct)" },
        { Functions, "Conf.Shapes::OwnRefStructResult", "FPKG1007: it returns a ref struct (Conf.OwnRefStruct)" },
        // FPKG1008: an instance method needs a public parameterless constructor.
        { Functions, "Conf.NoParameterlessConstructor::Handle", "FPKG1008: type 'Conf.NoParameterlessConstructor' has no public parameterless constructor" },
        { Functions, "Conf.PrivateConstructor::Handle", "FPKG1008: type 'Conf.PrivateConstructor' has no public parameterless constructor" },
        { Functions, "Conf.Message::Instance", "FPKG1008: type 'Conf.Message' has no public parameterless constructor" },

        // Discovery (FunctionEntryPoint not set).
        { "DiscoverOne.cs", null, "static;input=string;cancellation=true;result=taskOfT" },
        { "DiscoverOne.cs", "   ", "static;input=string;cancellation=true;result=taskOfT" },
        { "DiscoverNone.cs", null, "FPKG1009: No entry point was found in 'DiscoverNone.dll'" },
        { "DiscoverMany.cs", null, "FPKG1010: 'DiscoverMany.dll': Disc.Many.A::Handle, Disc.Many.A::HandleAsync, Disc.Many.B::Handle." },
        { "DiscoverOverloaded.cs", null, "FPKG1005: 'Disc.Overloaded.Function::Handle' is overloaded (2 overloads)" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void All_three_readers_give_the_same_verdict(string source, string? entryPoint, string expected)
    {
        var compiled = _assemblies[source];

        var metadata = Readers.Metadata(compiled, entryPoint);
        var reflection = Readers.Reflection(compiled, entryPoint);
        var roslyn = Readers.Roslyn(compiled, entryPoint);
        _output.WriteLine($"metadata:   {metadata}\nreflection: {reflection}\nroslyn:     {roslyn}");

        Assert.Equal(metadata, reflection);
        Assert.Equal(metadata, roslyn);
        var colon = expected.IndexOf(": ", StringComparison.Ordinal);
        if (expected.StartsWith("FPKG", StringComparison.Ordinal))
        {
            Assert.Equal(expected.Substring(0, colon), metadata.Code);
            Assert.Contains(expected.Substring(colon + 2), metadata.Message);
        }
        else
        {
            Assert.Equal(expected, metadata.Shape);
        }
    }

    [Fact]
    public void Every_rule_code_is_in_the_table()
    {
        var tabled = Table().Select(row => (string)row[2]).Where(e => e.StartsWith("FPKG", StringComparison.Ordinal)).Select(e => e.Substring(0, 8)).ToHashSet();
        var ruleCodes = typeof(EntryPointCodes).GetFields().Select(f => (string)f.GetValue(null)!)
            // Reader-specific, not verdicts of the rules: the task's unreadable file, the host's recorded-shape check.
            .Where(c => c != EntryPointCodes.AssemblyUnreadable && c != EntryPointCodes.ShapeMismatch);

        var missing = ruleCodes.Where(c => !tabled.Contains(c)).ToList();
        Assert.True(missing.Count == 0, $"Codes no row of the table expects: {string.Join(", ", missing)}");
    }
}
