using FunctionPackage.EntryPoints;
using Microsoft.CodeAnalysis;
using EntryTypeCategory = FunctionPackage.EntryPoints.TypeCategory;

namespace FunctionPackage.Sdk.Analyzers;

/// <summary>
/// The rules' view of the assembly being compiled, from Roslyn symbols (the analyzer's front end). Names are
/// built in metadata form (namespace, '+' for nesting, `arity) so they equal what the task reads from the built file.
/// </summary>
internal sealed class RoslynEntryAssembly : EntryAssemblyModel
{
    private readonly Compilation _compilation;
    private readonly Dictionary<INamedTypeSymbol, EntryTypeModel> _types = new(SymbolEqualityComparer.Default);

    public RoslynEntryAssembly(Compilation compilation)
    {
        _compilation = compilation;
        FileName = (compilation.AssemblyName ?? "") + ".dll";
    }

    public override string FileName { get; }

    public override IEnumerable<EntryTypeModel> Types() => AllTypes(_compilation.Assembly.GlobalNamespace).Select(Model);

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
    {
        foreach (var type in ns.GetTypeMembers().SelectMany(WithNested)) yield return type;
        foreach (var child in ns.GetNamespaceMembers())
            foreach (var type in AllTypes(child)) yield return type;
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        // File-local types get mangled metadata names with '<', like compiler-generated ones: never entry points.
        if (type.MetadataName.IndexOf('<') >= 0 || type.IsImplicitlyDeclared && type.Name.Length == 0) yield break;
        yield return type;
        foreach (var nested in type.GetTypeMembers().SelectMany(WithNested)) yield return nested;
    }

    public static string FullName(INamedTypeSymbol type)
    {
        if (type.ContainingType is { } outer) return FullName(outer) + "+" + type.MetadataName;
        var ns = NamespaceName(type.ContainingNamespace);
        return ns.Length == 0 ? type.MetadataName : ns + "." + type.MetadataName;
    }

    private static string NamespaceName(INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace) return "";
        var outer = NamespaceName(ns.ContainingNamespace);
        return outer.Length == 0 ? ns.MetadataName : outer + "." + ns.MetadataName;
    }

    private EntryTypeModel Model(INamedTypeSymbol type)
    {
        if (_types.TryGetValue(type, out var model)) return model;
        model = new EntryTypeModel(
            FullName(type),
            Category(type),
            Access(type.DeclaredAccessibility),
            type.ContainingType is { } declaring ? Model(declaring) : null,
            // A static class is abstract sealed in metadata.
            isAbstract: type.IsAbstract || type.IsStatic,
            isSealed: type.IsSealed || type.IsStatic,
            isGeneric: IsGeneric(type),
            methods: () => type.GetMembers().OfType<IMethodSymbol>().Select(Model).ToList(),
            hasPublicParameterlessConstructor: () => type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0),
            baseType: () => type.BaseType is { } baseType && SymbolEqualityComparer.Default.Equals(baseType.ContainingAssembly, _compilation.Assembly)
                ? Model(baseType.OriginalDefinition) : null,
            origin: type);
        _types[type] = model;
        return model;
    }

    private static bool IsGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
            if (current.TypeParameters.Length > 0) return true;
        return false;
    }

    private static EntryMethodModel Model(IMethodSymbol method) => new(
        method.MetadataName,
        Access(method.DeclaredAccessibility),
        method.IsStatic,
        method.IsGenericMethod,
        isSpecialName: method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation or MethodKind.Destructor or MethodKind.DeclareMethod),
        isAsyncVoid: method.IsAsync && method.ReturnsVoid,
        callingConvention: method.IsVararg ? "VarArgs" : null,
        signature: () => new EntrySignature(
            method.Parameters.Select(p => new EntryParameterModel(p.Name, Parameter(p), p)).ToList(),
            method.ReturnsByRef || method.ReturnsByRefReadonly ? SignatureType.Wrap(SignatureTypeKind.ByReference, Signature(method.ReturnType)) : Signature(method.ReturnType)),
        origin: method);

    private static SignatureType Parameter(IParameterSymbol parameter) =>
        parameter.RefKind == RefKind.None ? Signature(parameter.Type) : SignatureType.Wrap(SignatureTypeKind.ByReference, Signature(parameter.Type));

    /// <summary>True when a signature mentions a type the compiler could not bind: half-typed code, no verdict yet.</summary>
    public static bool HasErrorTypes(IMethodSymbol method) =>
        ContainsError(method.ReturnType) || method.Parameters.Any(p => ContainsError(p.Type));

    private static bool ContainsError(ITypeSymbol type) => type switch
    {
        IErrorTypeSymbol => true,
        IArrayTypeSymbol array => ContainsError(array.ElementType),
        IPointerTypeSymbol pointer => ContainsError(pointer.PointedAtType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsError),
        _ => false,
    };

    private static SignatureType Signature(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return SignatureType.Wrap(array.IsSZArray ? SignatureTypeKind.SZArray : SignatureTypeKind.Array, Signature(array.ElementType));
            case IPointerTypeSymbol pointer:
                return SignatureType.Wrap(SignatureTypeKind.Pointer, Signature(pointer.PointedAtType));
            case IFunctionPointerTypeSymbol:
                return SignatureType.Other(SignatureTypeKind.FunctionPointer, "delegate*");
            case ITypeParameterSymbol parameter:
                return SignatureType.Other(SignatureTypeKind.GenericParameter, (parameter.TypeParameterKind == TypeParameterKind.Method ? "!!" : "!") + parameter.Ordinal);
            case INamedTypeSymbol named:
                // Metadata instantiates the outermost generic definition with every type argument of the chain.
                var arguments = new List<ITypeSymbol>();
                for (var current = named; current is not null; current = current.ContainingType) arguments.InsertRange(0, current.TypeArguments);
                var definition = Named(named.OriginalDefinition);
                return arguments.Count == 0 ? definition : SignatureType.Generic(definition, arguments.Select(Signature).ToList());
            default:
                // dynamic is object in metadata.
                return type.TypeKind == TypeKind.Dynamic ? SignatureType.Named("System.Object") : SignatureType.Named(type.ToDisplayString());
        }
    }

    private static SignatureType Named(INamedTypeSymbol type) =>
        SignatureType.Named(FullName(type), () => new TypeTraits(Category(type), type.IsRefLikeType));

    private static EntryTypeCategory Category(INamedTypeSymbol type)
    {
        // System.Delegate and System.MulticastDelegate are classes to the compiler; no host can bind them either.
        if (type.SpecialType is SpecialType.System_Delegate or SpecialType.System_MulticastDelegate) return EntryTypeCategory.Delegate;
        return type.TypeKind switch
        {
            TypeKind.Interface => EntryTypeCategory.Interface,
            TypeKind.Enum => EntryTypeCategory.Enum,
            TypeKind.Struct => EntryTypeCategory.Struct,
            TypeKind.Delegate => EntryTypeCategory.Delegate,
            TypeKind.Class => EntryTypeCategory.Class,
            _ => EntryTypeCategory.Unknown,
        };
    }

    private static Access Access(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => EntryPoints.Access.Public,
        Accessibility.Internal => EntryPoints.Access.Internal,
        Accessibility.Protected => EntryPoints.Access.Protected,
        Accessibility.ProtectedAndInternal => EntryPoints.Access.PrivateProtected,
        Accessibility.ProtectedOrInternal => EntryPoints.Access.ProtectedInternal,
        _ => EntryPoints.Access.Private,
    };
}
