using Humanizer;

namespace TestFunctions.Words;

/// <summary>A project reference of Humane: its dll ships in function/, beside the entry assembly.</summary>
public static class Words
{
    public static string Spell(int number) => number.ToWords();
}
