using System.Text.RegularExpressions;

namespace FunctionPackage.Oci.Registry;

/// <summary>
/// <c>registry/repository[:tag][@sha256:digest]</c>. The registry part is required (no implicit docker.io): an image
/// name always says where it goes.
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
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
            if (!TagPattern().IsMatch(tag)) throw OciErrors.BadReference(reference, $"'{tag}' is not a tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}})");
        }
        if (!RepositoryPattern().IsMatch(path)) throw OciErrors.BadReference(reference, $"'{path}' is not a repository name (lowercase letters, digits, and . _ - / between them)");
        return new ImageReference(registry, path, tag, digest);
    }

    public override string ToString() => $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    // The distribution spec's grammar for names and tags.
    [GeneratedRegex("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();
}
