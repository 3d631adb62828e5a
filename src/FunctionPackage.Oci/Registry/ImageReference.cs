namespace FunctionPackage.Oci.Registry;

/// <summary>
/// <c>registry/repository[:tag][@sha256:digest]</c>. The registry part is required (no implicit docker.io): an image
/// name always says where it goes.
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>The digest when given, else the tag (default <c>latest</c>): what a manifest request names.</summary>
    public string Reference => Digest ?? Tag ?? "latest";

    public static ImageReference Parse(string reference)
    {
        var rest = reference;
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!Oci.Digest.IsValid(digest)) throw OciErrors.BadReference(reference, $"'{digest}' is not sha256:<64 lowercase hex>");
        }
        var slash = rest.IndexOf('/');
        if (slash <= 0) throw OciErrors.BadReference(reference, "no registry host");
        var registry = rest[..slash];
        if (!(registry.Contains('.') || registry.Contains(':') || registry == "localhost")) throw OciErrors.BadReference(reference, $"'{registry}' is not a registry host (a name with a '.' or a ':port', or localhost)");
        var path = rest[(slash + 1)..];
        string? tag = null;
        var colon = path.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
            if (!IsTag(tag)) throw OciErrors.BadReference(reference, $"'{tag}' is not a tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}})");
        }
        if (!IsRepositoryName(path)) throw OciErrors.BadReference(reference, $"'{path}' is not a repository name (lowercase letters, digits, and . _ - / between them)");
        return new ImageReference(registry, path, tag, digest);
    }

    public override string ToString() => $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    // The distribution spec's grammar, written out rather than as a Regex: parsing a reference is on the critical path of
    // every oci:// command, where loading and starting the Regex engine cost ~6 ms (docs/benchmarks.md, oci-install).
    //   name      = component ("/" component)*
    //   component = [a-z0-9]+ (separator [a-z0-9]+)*     separator = "." | "_" | "__" | "-"+
    //   tag       = [A-Za-z0-9_][A-Za-z0-9._-]{0,127}
    private static bool IsRepositoryName(string name)
    {
        foreach (var component in name.Split('/'))
        {
            if (!IsPathComponent(component)) return false;
        }
        return true;
    }

    private static bool IsPathComponent(ReadOnlySpan<char> component)
    {
        var i = 0;
        while (true)
        {
            var start = i;
            while (i < component.Length && IsLowercaseLetterOrDigit(component[i])) i++;
            if (i == start) return false;
            if (i == component.Length) return true;
            var separator = component[i];
            var length = separator switch
            {
                '.' => 1,
                '_' => i + 1 < component.Length && component[i + 1] == '_' ? 2 : 1,
                '-' => component[i..].IndexOfAnyExcept('-') is var end and >= 0 ? end : component.Length - i,
                _ => 0,
            };
            if (length == 0) return false;
            i += length;
        }
    }

    private static bool IsTag(string tag) =>
        tag.Length is >= 1 and <= 128 && (char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_')
        && tag.AsSpan(1).IndexOfAnyExcept(TagCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> TagCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static bool IsLowercaseLetterOrDigit(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';
}
