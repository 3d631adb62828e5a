// Fixture types compiled into the test assembly; the validator reads them back from this assembly's file.
// Their names are referenced as strings by EntryPointValidatorTests, so keep both in step.
#pragma warning disable CA1822, IDE0060 // Signatures are what matters here, not bodies.

namespace CloudNative.CloudEvents
{
    /// <summary>Stand-in for the real CloudEvent: the validator recognises it by full name only.</summary>
    public sealed class CloudEvent
    {
    }
}

namespace EntryPointFixtures.Valid
{
    using CloudNative.CloudEvents;

    public sealed class Order
    {
        public string Id { get; set; } = "";
    }

    public sealed class Receipt
    {
        public string OrderId { get; set; } = "";
    }

    /// <summary>One method per supported shape; the name says input kind, cancellation and result kind.</summary>
    public static class StaticShapes
    {
        public static void NoneVoid() { }
        public static Receipt PocoValue(Order order) => new();
        public static Task StringTask(string text) => Task.CompletedTask;
        public static Task<Receipt> BytesTaskOfT(byte[] data, CancellationToken cancellationToken) => Task.FromResult(new Receipt());
        public static ValueTask CloudEventValueTask(CloudEvent cloudEvent, CancellationToken cancellationToken) => default;
        public static ValueTask<string> NoneCancellationValueTaskOfT(CancellationToken cancellationToken) => new("done");
        public static void CancellationOnlyVoid(CancellationToken cancellationToken) { }
        public static async Task<int> AsyncTaskOfT(Order order) { await Task.Yield(); return 1; }
        public static async Task AsyncTask(string text, CancellationToken cancellationToken) { await Task.Yield(); }
        public static async IAsyncEnumerable<int> AsyncStream(Order order) { await Task.Yield(); yield return 1; }
        public static int[] ArrayOfIntsIsPoco(int[] values) => values;
        public static Dictionary<string, int> GenericPoco(List<Order> orders) => new();
        public static IntPtr IntPtrIsPoco(IntPtr handle) => handle;
        public static string OptionalParameter(string text = "x") => text;
        public static string ParamsArray(params string[] texts) => "";
    }

    public sealed class InstanceShapes
    {
        public void PocoVoid(Order order) { }
        public Task<Receipt> CloudEventTaskOfT(CloudEvent cloudEvent, CancellationToken cancellationToken) => Task.FromResult(new Receipt());
        public ValueTask<byte[]> BytesValueTaskOfT(byte[] data) => new(data);
        public string StringValue(string text) => text;
    }

    /// <summary>An explicit public parameterless constructor beside another one.</summary>
    public class ExplicitConstructor
    {
        public ExplicitConstructor() { }
        public ExplicitConstructor(int seed) { }
        public Task Handle(Order order) => Task.CompletedTask;
    }

    /// <summary>Non-public overloads and properties do not make the public method ambiguous.</summary>
    public class WithPrivateOverload
    {
        public string Name { get; set; } = "";
        public void Handle(Order order) { }
        private void Handle(string text) { }
    }

    public static class Outer
    {
        public static class Middle
        {
            public sealed class Inner
            {
                public Task<string> HandleAsync(string text) => Task.FromResult(text);
            }
        }
    }
}

namespace EntryPointFixtures.Invalid
{
    using EntryPointFixtures.Valid;

    public interface IHandler
    {
        void Handle(Order order);
    }

    public struct StructHandler
    {
        public static void Handle(Order order) { }
    }

    public enum EnumHandler
    {
        Handle,
    }

    public delegate void DelegateHandler(Order order);

    public abstract class AbstractHandler
    {
        public static void Handle(Order order) { }
    }

    public class GenericHandler<T>
    {
        public static void Handle(T input) { }
    }

    internal class InternalHandler
    {
        public static void Handle(Order order) { }
    }

    public class Container
    {
        internal class InternalNested
        {
            public static void Handle(Order order) { }
        }

        private class PrivateNested
        {
            public static void Handle(Order order) { }
        }
    }

    internal class InternalOuter
    {
        public class PublicInner
        {
            public static void Handle(Order order) { }
        }
    }

    public class Methods
    {
        public void Overloaded(string text) { }
        public void Overloaded(Order order) { }
        public void Overloaded(byte[] data, CancellationToken cancellationToken) { }
        public void Generic<T>(T input) { }
        private void Private(Order order) { }
        internal void Internal(Order order) { }
        public async void AsyncVoid(Order order) { await Task.Yield(); }
        public void TwoInputs(Order order, string note) { }
        public void ThreeInputs(Order order, string note, CancellationToken cancellationToken, int extra) { }
        public void Ref(ref Order order) { }
        public void Out(out Order order) { order = new(); }
        public void In(in Order order) { }
        public void CancellationFirst(CancellationToken cancellationToken, Order order) { }
        public ref int RefReturn() => ref counter;
        public int HandleOrder(Order order) => 0;
        public int handle(Order order) => 0;

        private int counter;
    }

    public class NoParameterlessConstructor
    {
        public NoParameterlessConstructor(string connection) { }
        public void Handle(Order order) { }
        public static void StaticIsFine(Order order) { }
    }

    public class PrivateConstructor
    {
        private PrivateConstructor() { }
        public void Handle(Order order) { }
    }

    public class BaseHandler
    {
        public void Handle(Order order) { }
    }

    public sealed class DerivedHandler : BaseHandler
    {
    }

    public class NoPublicMethods
    {
        internal void Handle(Order order) { }
    }
}
