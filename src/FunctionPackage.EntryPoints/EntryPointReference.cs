// Namespace kept from FunctionPackage.Model: see EntryPointShape.cs.
namespace FunctionPackage.Model;

/// <summary>Parses the <c>Namespace.Type::Method</c> form of an entry point.</summary>
public readonly record struct EntryPointReference(string Type, string Method)
{
    public override string ToString() => $"{Type}::{Method}";

    public static bool TryParse(string? text, out EntryPointReference reference)
    {
        reference = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text!.Trim().Split(new[] { "::" }, StringSplitOptions.None);
        if (parts.Length != 2) return false;
        var type = parts[0].Trim();
        var method = parts[1].Trim();
        if (type.Length == 0 || method.Length == 0) return false;
        if (type.StartsWith(".", StringComparison.Ordinal) || type.EndsWith(".", StringComparison.Ordinal)) return false;
        if (type.Any(char.IsWhiteSpace) || method.Any(c => char.IsWhiteSpace(c) || c == '.' || c == ':')) return false;
        reference = new EntryPointReference(type, method);
        return true;
    }
}
