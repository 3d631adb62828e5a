namespace Disc.None
{
    public static class Function
    {
        public static string Run(string name) => name;
        public static string Handle { get; } = "";
    }
}
