using System.Reflection.Metadata;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>Full metadata names of type definitions and references (nested types joined with '+').</summary>
public static class MetadataNames
{
    public static string GetFullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return GetFullName(reader, declaring) + "+" + name;
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public static string GetFullName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            return GetFullName(reader, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>Full name of a TypeDef or TypeRef handle; null for anything else (e.g. a generic instantiation).</summary>
    public static string? GetFullName(MetadataReader reader, EntityHandle handle) => handle.IsNil ? null : handle.Kind switch
    {
        HandleKind.TypeDefinition => GetFullName(reader, (TypeDefinitionHandle)handle),
        HandleKind.TypeReference => GetFullName(reader, (TypeReferenceHandle)handle),
        _ => null,
    };

    /// <summary>Full name of a custom attribute's type, from its constructor's parent.</summary>
    public static string? GetAttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        var ctor = attribute.Constructor;
        if (ctor.Kind == HandleKind.MethodDefinition)
            return GetFullName(reader, reader.GetMethodDefinition((MethodDefinitionHandle)ctor).GetDeclaringType());
        if (ctor.Kind == HandleKind.MemberReference)
            return GetFullName(reader, reader.GetMemberReference((MemberReferenceHandle)ctor).Parent);
        return null;
    }
}
