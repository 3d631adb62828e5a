namespace Disc.One
{
    public static class Function
    {
        public static System.Threading.Tasks.Task<string> HandleAsync(string name, System.Threading.CancellationToken ct) => System.Threading.Tasks.Task.FromResult(name);
        public static int Handle<T>(T value) => 0;
        internal static int Handle() => 0;
    }
    internal static class Hidden { public static void Handle() { } }
    public abstract class Abstract { public void Handle() { } }
    public interface IFace { void Handle(); }
}
