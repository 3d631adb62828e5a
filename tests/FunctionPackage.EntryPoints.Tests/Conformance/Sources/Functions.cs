// The conformance assembly: every supported shape, every refused one, and the edge cases the build and the host
// used to disagree on. Compiled once (Roslyn, unsafe allowed) and read by all three readers. Not compiled into the tests.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CloudNative.CloudEvents;

namespace Conf
{
    public sealed class Order { public string Sku { get; set; } = ""; }
    public sealed class Receipt { public int Total { get; set; } }
    public struct Point { public int X; }
    public enum Color { Red }
    public delegate int OwnCallback(int value);
    public ref struct OwnRefStruct { public int Value; }

    public static class Shapes
    {
        public static void NoneVoid() { }
        public static Receipt PocoValue(Order order) => new();
        public static Task StringTask(string text) => Task.CompletedTask;
        public static Task<int> BytesTaskOfT(byte[] data, CancellationToken ct) => Task.FromResult(data.Length);
        public static ValueTask CloudEventValueTask(CloudEvent cloudEvent, CancellationToken ct) => default;
        public static ValueTask<int> TokenOnlyValueTaskOfT(CancellationToken ct) => default;
        public static void TokenOnlyVoid(CancellationToken ct) { }
        public static async Task<int> AsyncTaskOfT(Order order) { await Task.Yield(); return 1; }
        public static async Task AsyncTask(string text, CancellationToken ct) { await Task.Yield(); }
        public static async IAsyncEnumerable<int> AsyncStream(Order order) { await Task.Yield(); yield return 1; }
        public static int ListInput(List<Order> orders) => orders.Count;
        public static int NullableInput(int? value) => 0;
        public static int TupleInput((int Count, string Name) pair) => 0;
        public static object DynamicInput(dynamic value) => 0;
        public static int NativeIntInput(nint value) => 0;
        public static int StructInput(Point point) => point.X;
        public static int EnumInput(Color color) => 0;
        public static int ObjectInput(object value) => 0;
        public static int JaggedInput(int[][] values) => 0;
        public static int MatrixInput(int[,] values) => 0;
        public static string OptionalInput(string text = "x") => text;
        public static int ParamsInput(params int[] values) => 0;
        public static Point StructResult(Order order) => default;
        public static Dictionary<string, List<Order>> NestedGenericResult() => new();
        public static Outer.Inner NestedResult() => new();

        // Refused: FPKG1004/FPKG1005/FPKG1006/FPKG1012
        public static int Overloaded(string text) => 0;
        public static int Overloaded(byte[] data) => 0;
        public static async void AsyncVoid(string text) => await Task.Yield();
        internal static int Hidden() => 0;
        public static T GenericMethod<T>(T value) => value;

        // Refused: FPKG1007
        public static int TwoInputs(Order order, string note) => 0;
        public static int TokenFirst(CancellationToken ct, string text) => 0;
        public static int ThreeInputs(string a, CancellationToken ct, string b) => 0;
        public static int RefInput(ref Order order) => 0;
        public static int OutInput(out Order order) { order = new(); return 0; }
        public static int InInput(in Point point) => 0;
        public static int RefReadonlyInput(ref readonly Point point) => 0;
        private static int _field;
        public static ref int RefReturn() => ref _field;
        public static unsafe int PointerInput(int* value) => 0;
        public static unsafe int* PointerResult() => null;
        public static unsafe int FunctionPointerInput(delegate*<void> callback) => 0;
        public static int VarArgs(__arglist) => 0;
        public static int DelegateInput(Func<int> callback) => 0;
        public static int ActionInput(Action<string> callback) => 0;
        public static int OwnDelegateInput(OwnCallback callback) => 0;
        public static int BaseDelegateInput(Delegate callback) => 0;
        public static Func<int> DelegateResult() => () => 1;
        public static int SpanInput(ReadOnlySpan<byte> data) => data.Length;
        public static Span<byte> SpanResult(string text) => default;
        // Neither is a name the metadata reader knows: it must look them up in the compile references.
        public static int TimerCallbackInput(TimerCallback callback) => 0;
        public static int JsonReaderInput(System.Text.Json.Utf8JsonReader reader) => 0;
        public static int OwnRefStructInput(OwnRefStruct value) => 0;
        public static OwnRefStruct OwnRefStructResult() => default;
    }

    public sealed class Instance
    {
        public void PocoVoid(Order order) { }
        public Task<Receipt> CloudEventTaskOfT(CloudEvent cloudEvent, CancellationToken ct) => Task.FromResult(new Receipt());
        public ValueTask<int> BytesValueTaskOfT(byte[] data) => default;
    }

    public class WithExplicitConstructor
    {
        public WithExplicitConstructor() { }
        public WithExplicitConstructor(int value) { }
        public Task Handle(Order order) => Task.CompletedTask;
    }

    public class WithPrivateOverload
    {
        public void Handle(Order order) { }
        private void Handle(string text) { }
        public string Name { get; set; } = "";
    }

    public static class Outer
    {
        public class Inner
        {
            public Task<string> HandleAsync(string text) => Task.FromResult(text);
        }
    }

    public sealed record Message(string Text)
    {
        public static int Handle(Order order) => 0;
        public int Instance(Order order) => 0;
    }

    // Refused: FPKG1003
    public interface IHandler { void Handle(Order order); }
    public struct StructHandler { public static int Handle(string text) => 0; }
    public enum EnumHandler { Handle }
    public delegate void DelegateHandler(Order order);
    public abstract class AbstractHandler { public static void Handle(Order order) { } }
    public class GenericHandler<T> { public static void Handle(Order order) { } public class Nested { public static void Handle(Order order) { } } }
    internal class InternalHandler { public static void Handle(Order order) { } }
    public class Container
    {
        private class PrivateNested { public static void Handle(Order order) { } }
        internal class InternalNested { public static void Handle(Order order) { } }
    }
    internal class InternalOuter { public class PublicInner { public static void Handle(Order order) { } } }

    // Refused: FPKG1004 hints
    public class BaseHandler { public void Inherited(Order order) { } }
    public sealed class DerivedHandler : BaseHandler { }
    public sealed class NoPublicMethods { private void Run() { } }

    // Refused: FPKG1008
    public sealed class NoParameterlessConstructor
    {
        public NoParameterlessConstructor(int value) { }
        public void Handle(Order order) { }
        public static void StaticIsFine(Order order) { }
    }
    public sealed class PrivateConstructor
    {
        private PrivateConstructor() { }
        public void Handle(Order order) { }
    }
}
