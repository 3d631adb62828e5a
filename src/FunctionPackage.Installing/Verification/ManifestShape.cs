using System.Text.Json;

namespace FunctionPackage.Installing.Verification;

/// <summary>
/// The JSON shape of function.json v1 (docs/package-format.md): which members are required and of which JSON type.
/// Checked on the document before it is bound to <c>FunctionManifest</c>, whose defaults would otherwise turn a missing
/// <c>schemaVersion</c> into 1 and a <c>null</c> member into a crash later. Unknown members are ignored (additive members
/// are allowed within version 1); a member given twice is refused, because readers disagree on which one wins.
/// </summary>
public static class ManifestShape
{
    private sealed record Shape(JsonValueKind Kind, bool Optional = false, (string Name, Shape Shape)[]? Members = null, Shape? Item = null);

    private static readonly Shape Text = new(JsonValueKind.String);
    private static readonly Shape OptionalText = new(JsonValueKind.String, Optional: true);
    private static readonly Shape Integer = new(JsonValueKind.Number);
    private static readonly Shape Boolean = new(JsonValueKind.True);

    private static Shape Object(params (string, Shape)[] members) => new(JsonValueKind.Object, Members: members);
    private static Shape Array(Shape item, bool optional = false) => new(JsonValueKind.Array, optional, Item: item);

    private static readonly Shape Manifest = Object(
        ("schemaVersion", Integer),
        ("profile", Text),
        ("id", Text),
        ("version", Text),
        ("description", OptionalText),
        // shape: recorded by SDKs with the shared entry point rules; older packages have none (the host checks it).
        ("entryPoint", Object(("assembly", Text), ("type", Text), ("method", Text), ("shape", OptionalText))),
        ("runtime", Object(
            ("tfm", Text),
            ("frameworks", Array(Object(("name", Text), ("version", Text)))),
            ("rollForward", OptionalText),
            ("rid", OptionalText),
            ("selfContained", Boolean))),
        ("dependencyMode", Text),
        ("dependencies", Array(Object(
            ("id", Text),
            ("version", Text),
            ("sha512", Text),
            ("path", Text),
            ("assets", Array(Object(
                ("pathInPackage", Text),
                ("assetType", Text),
                ("rid", OptionalText),
                ("culture", OptionalText),
                ("destination", Text))))))),
        ("files", Array(Object(("path", Text), ("sha512", Text)))),
        // A hint only, and opt-in: absent means none.
        ("sources", Array(Text, optional: true)));

    /// <summary>At most this many problems are listed: a broken 80k-file manifest needs one line, not 80k.</summary>
    private const int MaxProblems = 20;

    /// <summary>One message per member that is missing, null, of the wrong type or given twice, e.g. <c>dependencies[0].id is null</c>.</summary>
    public static IReadOnlyList<string> Check(JsonElement root)
    {
        var problems = new List<string>();
        Check(root, Manifest, "", problems);
        return problems;
    }

    /// <summary>Checks one member of the root object (used for <c>schemaVersion</c> and <c>profile</c>, which are read first).</summary>
    public static string? CheckMember(JsonElement root, string name)
    {
        var shape = Manifest.Members!.First(m => m.Name == name).Shape;
        var problems = new List<string>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var value)) return $"{name} is missing";
        Check(value, shape, name, problems);
        return problems.FirstOrDefault();
    }

    private static void Check(JsonElement element, Shape shape, string path, List<string> problems)
    {
        if (problems.Count >= MaxProblems) return;
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (!shape.Optional) problems.Add($"{path} is null");
            return;
        }
        if (!HasKind(element, shape))
        {
            problems.Add($"{(path.Length == 0 ? "the document" : path)} is {Describe(element.ValueKind)}, expected {Describe(shape)}");
            return;
        }
        if (shape.Members is not null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!seen.Add(property.Name)) problems.Add($"{Join(path, property.Name)} is given twice");
            }
            foreach (var (name, member) in shape.Members)
            {
                if (element.TryGetProperty(name, out var value)) Check(value, member, Join(path, name), problems);
                else if (!member.Optional) problems.Add($"{Join(path, name)} is missing");
            }
        }
        if (shape.Item is not null)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray()) Check(item, shape.Item, $"{path}[{index++}]", problems);
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static bool HasKind(JsonElement element, Shape shape) => shape.Kind switch
    {
        JsonValueKind.True => element.ValueKind is JsonValueKind.True or JsonValueKind.False,
        JsonValueKind.Number => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _),
        _ => element.ValueKind == shape.Kind,
    };

    private static string Describe(Shape shape) => shape.Kind switch
    {
        JsonValueKind.True => "true or false",
        JsonValueKind.Number => "a whole number",
        _ => Describe(shape.Kind),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
