namespace Disc.Many
{
    public static class A { public static void Handle() { } public static void HandleAsync() { } }
    public static class B { public static void Handle() { } }
}
