using System.Reflection;
using System.Reflection.Metadata;
using FunctionPackage.EntryPoints;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>Category and ref-struct-ness of a type definition, from its flags, base type and attributes.</summary>
internal static class TypeTraitsReader
{
    private const string IsByRefLikeAttributeName = "System.Runtime.CompilerServices.IsByRefLikeAttribute";

    public static TypeCategory Category(MetadataReader reader, TypeDefinition type)
    {
        if ((type.Attributes & TypeAttributes.Interface) != 0) return TypeCategory.Interface;
        var name = MetadataNames.GetFullName(reader, type.BaseType);
        // System.Enum itself derives from ValueType but is a class; only types deriving from these are enums/structs.
        return name switch
        {
            "System.Enum" => TypeCategory.Enum,
            "System.ValueType" when !IsNamed(reader, type, "System", "Enum") => TypeCategory.Struct,
            "System.MulticastDelegate" => TypeCategory.Delegate,
            // System.Delegate and System.MulticastDelegate themselves: no host can bind or serialize them either.
            "System.Delegate" or "System.Object" when IsNamed(reader, type, "System", "Delegate") || IsNamed(reader, type, "System", "MulticastDelegate") => TypeCategory.Delegate,
            _ => TypeCategory.Class,
        };
    }

    public static TypeTraits Traits(MetadataReader reader, TypeDefinition type)
    {
        var isByRefLike = type.GetCustomAttributes()
            .Any(h => MetadataNames.GetAttributeTypeName(reader, reader.GetCustomAttribute(h)) == IsByRefLikeAttributeName);
        return new TypeTraits(Category(reader, type), isByRefLike);
    }

    private static bool IsNamed(MetadataReader reader, TypeDefinition type, string ns, string name) =>
        reader.StringComparer.Equals(type.Namespace, ns) && reader.StringComparer.Equals(type.Name, name);
}
