namespace FunctionPackage.Sdk.Packaging;

/// <summary>
/// Values computed from bytes, kept for the next packaging run in this process: MSBuild keeps a node's task assemblies
/// loaded, and a node packages the same function again and again (issue 12). A value is reused only when the bytes it
/// was computed from are equal, compared byte for byte — never by time stamps or a hash alone. The arrays are kept as
/// given: callers pass arrays nothing changes afterwards. Bounded in bytes and entries: when full, it starts over.
/// </summary>
internal sealed class ContentMemo<TKey, TValue> where TKey : notnull
{
    private readonly Dictionary<TKey, (byte[][] Contents, TValue Value)> _values = new();
    private readonly long _budget;
    private readonly int _maxEntries;
    private long _held;

    public ContentMemo(long budget, int maxEntries)
    {
        _budget = budget;
        _maxEntries = maxEntries;
    }

    /// <summary>The value kept for <paramref name="key"/> if it came from the same <paramref name="contents"/>, else <paramref name="compute"/>'s.</summary>
    public TValue Get(TKey key, byte[][] contents, Func<TValue> compute)
    {
        lock (_values)
        {
            if (_values.TryGetValue(key, out var kept) && Equal(kept.Contents, contents)) return kept.Value;
        }
        var value = compute();
        var size = contents.Sum(c => (long)c.Length);
        if (size > _budget / 4) return value;
        lock (_values)
        {
            if (_values.TryGetValue(key, out var replaced)) _held -= replaced.Contents.Sum(c => (long)c.Length);
            if (_held + size > _budget || _values.Count >= _maxEntries)
            {
                _values.Clear();
                _held = 0;
            }
            _values[key] = (contents, value);
            _held += size;
        }
        return value;
    }

    private static bool Equal(byte[][] left, byte[][] right)
    {
        if (left.Length != right.Length) return false;
        for (var i = 0; i < left.Length; i++)
        {
            if (!left[i].AsSpan().SequenceEqual(right[i])) return false;
        }
        return true;
    }
}
