using System.Reflection;

namespace FunctionPackage.EntryPoints;

/// <summary>
/// The rules' view of a loaded assembly, through reflection (the host's front end). Here so the host and the
/// conformance test share it; only the host's load context decides which assembly it is.
/// </summary>
public sealed class ReflectionEntryAssembly : EntryAssemblyModel
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
    private const string AsyncStateMachineAttributeName = "System.Runtime.CompilerServices.AsyncStateMachineAttribute";
    private const string IsByRefLikeAttributeName = "System.Runtime.CompilerServices.IsByRefLikeAttribute";

    // Type.IsFunctionPointer exists from .NET 8 on; this library is netstandard2.0, so ask for it by name.
    private static readonly PropertyInfo? IsFunctionPointerProperty = typeof(Type).GetProperty("IsFunctionPointer");

    private readonly Assembly _assembly;
    private readonly Dictionary<Type, EntryTypeModel> _types = new();

    public ReflectionEntryAssembly(Assembly assembly)
    {
        _assembly = assembly;
        FileName = assembly.GetName().Name + ".dll";
    }

    public override string FileName { get; }

    public override IEnumerable<EntryTypeModel> Types()
    {
        Type?[] types;
        try
        {
            types = _assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types; // The types that did load still get their verdict or suggestion.
        }
        return types.Where(t => t is not null && t.FullName is not null && t.FullName.IndexOf('<') < 0).Select(t => Model(t!)).ToList();
    }

    public override EntryTypeModel? FindType(string fullName)
    {
        Type? type;
        try
        {
            type = _assembly.GetType(fullName, throwOnError: false);
        }
        catch (ArgumentException)
        {
            type = null; // A name reflection parses as something else ("A[", "A,B"): search by name instead.
        }
        return type is not null && type.FullName == fullName ? Model(type) : base.FindType(fullName);
    }

    private EntryTypeModel Model(Type type)
    {
        if (_types.TryGetValue(type, out var model)) return model;
        model = new EntryTypeModel(
            type.FullName!,
            Category(type),
            Access(type),
            type.DeclaringType is { } declaring ? Model(declaring) : null,
            type.IsAbstract,
            type.IsSealed,
            isGeneric: type.GetGenericArguments().Length > 0,
            methods: () => type.GetMethods(Declared).Select(m => Model(m)).ToList(),
            hasPublicParameterlessConstructor: () => type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null) is not null,
            baseType: () => type.BaseType is { } baseType && baseType.Assembly == _assembly ? Model(baseType.IsGenericType ? baseType.GetGenericTypeDefinition() : baseType) : null,
            origin: type);
        _types[type] = model;
        return model;
    }

    /// <summary>The model of a type of this assembly (the host's <c>Create(MethodInfo)</c> path validates a method on a type it already has).</summary>
    public EntryTypeModel ModelOf(Type type) => Model(type);

    private static EntryMethodModel Model(MethodInfo method) => new(
        method.Name,
        Access(method),
        method.IsStatic,
        method.IsGenericMethodDefinition,
        isSpecialName: method.IsSpecialName || (method.Attributes & MethodAttributes.RTSpecialName) != 0,
        isAsyncVoid: method.ReturnType == typeof(void) && method.CustomAttributes.Any(a => a.AttributeType.FullName == AsyncStateMachineAttributeName),
        callingConvention: (method.CallingConvention & CallingConventions.VarArgs) != 0 ? "VarArgs" : null,
        signature: () => new EntrySignature(
            method.GetParameters().Select(p => new EntryParameterModel(p.Name ?? $"#{p.Position + 1}", Signature(p.ParameterType), p)).ToList(),
            Signature(method.ReturnType)),
        origin: method);

    private static SignatureType Signature(Type type)
    {
        if (type.IsByRef) return SignatureType.Wrap(SignatureTypeKind.ByReference, Signature(type.GetElementType()!));
        if (type.IsPointer) return SignatureType.Wrap(SignatureTypeKind.Pointer, Signature(type.GetElementType()!));
        if (IsFunctionPointerProperty?.GetValue(type) is true) return SignatureType.Other(SignatureTypeKind.FunctionPointer, "delegate*");
        if (type.IsGenericParameter) return SignatureType.Other(SignatureTypeKind.GenericParameter, (type.DeclaringMethod is null ? "!" : "!!") + type.GenericParameterPosition);
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var isVector = type.GetArrayRank() == 1 && type == element.MakeArrayType();
            return SignatureType.Wrap(isVector ? SignatureTypeKind.SZArray : SignatureTypeKind.Array, Signature(element));
        }
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            return SignatureType.Generic(Named(definition), type.GetGenericArguments().Select(Signature).ToList());
        }
        return Named(type);
    }

    private static SignatureType Named(Type type) => SignatureType.Named(type.FullName ?? type.Name, () => new TypeTraits(Category(type),
        type.CustomAttributes.Any(a => a.AttributeType.FullName == IsByRefLikeAttributeName)));

    private static TypeCategory Category(Type type)
    {
        if (type.IsInterface) return TypeCategory.Interface;
        if (type.IsEnum) return TypeCategory.Enum;
        if (type.IsValueType) return TypeCategory.Struct;
        if (typeof(Delegate).IsAssignableFrom(type)) return TypeCategory.Delegate;
        return TypeCategory.Class;
    }

    private static Access Access(Type type)
    {
        if (type.IsPublic || type.IsNestedPublic) return EntryPoints.Access.Public;
        if (type.IsNestedPrivate) return EntryPoints.Access.Private;
        if (type.IsNestedFamily) return EntryPoints.Access.Protected;
        if (type.IsNestedFamANDAssem) return EntryPoints.Access.PrivateProtected;
        if (type.IsNestedFamORAssem) return EntryPoints.Access.ProtectedInternal;
        return EntryPoints.Access.Internal;
    }

    private static Access Access(MethodBase method)
    {
        if (method.IsPublic) return EntryPoints.Access.Public;
        if (method.IsAssembly) return EntryPoints.Access.Internal;
        if (method.IsFamily) return EntryPoints.Access.Protected;
        if (method.IsFamilyAndAssembly) return EntryPoints.Access.PrivateProtected;
        if (method.IsFamilyOrAssembly) return EntryPoints.Access.ProtectedInternal;
        return EntryPoints.Access.Private;
    }
}
