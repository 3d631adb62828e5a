namespace Disc.Overloaded
{
    public static class Function { public static void Handle(string text) { } public static void Handle(byte[] data) { } }
}
