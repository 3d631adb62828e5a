namespace FunctionPackage.EntryPoints;

/// <summary>Declared accessibility of a type or method, as every reader can tell it.</summary>
public enum Access
{
    Public,
    Internal,
    Private,
    Protected,
    PrivateProtected,
    ProtectedInternal,
}

/// <summary>
/// A function assembly as the rules see it. Each reader (metadata, reflection, Roslyn) builds one; everything the
/// rules need beyond names is computed lazily, so resolving an explicit entry point touches one type.
/// </summary>
public abstract class EntryAssemblyModel
{
    /// <summary>The assembly's file name as messages name it, e.g. <c>Hello.dll</c>.</summary>
    public abstract string FileName { get; }

    /// <summary>Every type defined in the assembly, nested ones included, compiler-generated ones ('&lt;' in the name) excluded.</summary>
    public abstract IEnumerable<EntryTypeModel> Types();

    /// <summary>The type whose full metadata name is <paramref name="fullName"/>, or null. Readers may override with a direct lookup.</summary>
    public virtual EntryTypeModel? FindType(string fullName) =>
        Types().FirstOrDefault(t => string.Equals(t.FullName, fullName, StringComparison.Ordinal));
}

/// <summary>A type that might host the entry point.</summary>
public sealed class EntryTypeModel
{
    private readonly Lazy<IReadOnlyList<EntryMethodModel>> _methods;
    private readonly Lazy<bool> _hasPublicParameterlessConstructor;
    private readonly Lazy<EntryTypeModel?> _baseType;

    /// <param name="methods">The methods declared on the type itself (constructors and accessors included, flagged special).</param>
    /// <param name="hasPublicParameterlessConstructor">Whether an instance can be created without arguments.</param>
    /// <param name="baseType">The base type when it is defined in the same assembly (for the "inherited" hint), else null.</param>
    public EntryTypeModel(string fullName, TypeCategory category, Access access, EntryTypeModel? declaringType,
        bool isAbstract, bool isSealed, bool isGeneric,
        Func<IReadOnlyList<EntryMethodModel>> methods, Func<bool> hasPublicParameterlessConstructor, Func<EntryTypeModel?> baseType,
        object? origin = null)
    {
        FullName = fullName;
        Category = category;
        Access = access;
        DeclaringType = declaringType;
        IsAbstract = isAbstract;
        IsSealed = isSealed;
        IsGeneric = isGeneric;
        _methods = new Lazy<IReadOnlyList<EntryMethodModel>>(methods);
        _hasPublicParameterlessConstructor = new Lazy<bool>(hasPublicParameterlessConstructor);
        _baseType = new Lazy<EntryTypeModel?>(baseType);
        Origin = origin;
    }

    /// <summary>Full metadata name: namespace-qualified, nested types joined with '+', generic arity kept (<c>Ns.Box`1</c>).</summary>
    public string FullName { get; }
    public TypeCategory Category { get; }
    public Access Access { get; }
    public EntryTypeModel? DeclaringType { get; }
    public bool IsAbstract { get; }
    public bool IsSealed { get; }
    /// <summary>The type or one of its declaring types has type parameters.</summary>
    public bool IsGeneric { get; }
    public IReadOnlyList<EntryMethodModel> Methods => _methods.Value;
    public bool HasPublicParameterlessConstructor => _hasPublicParameterlessConstructor.Value;
    public EntryTypeModel? BaseType => _baseType.Value;

    /// <summary>The reader's own object (an ISymbol, a Type, a handle): how a front end turns a verdict into a location.</summary>
    public object? Origin { get; }

    public override string ToString() => FullName;
}

/// <summary>A method declared on an <see cref="EntryTypeModel"/>.</summary>
public sealed class EntryMethodModel
{
    private readonly Lazy<EntrySignature> _signature;

    /// <param name="isSpecialName">Constructors, property/event accessors and operators: never entry points.</param>
    /// <param name="isAsyncVoid">Returns void and is compiled as an async state machine.</param>
    /// <param name="callingConvention">Null for the default calling convention, else its name (e.g. <c>VarArgs</c>).</param>
    /// <param name="signature">Decodes the parameters and return type when the rules first ask.</param>
    public EntryMethodModel(string name, Access access, bool isStatic, bool isGeneric, bool isSpecialName, bool isAsyncVoid,
        string? callingConvention, Func<EntrySignature> signature, object? origin = null)
    {
        Name = name;
        Access = access;
        IsStatic = isStatic;
        IsGeneric = isGeneric;
        IsSpecialName = isSpecialName;
        IsAsyncVoid = isAsyncVoid;
        CallingConvention = callingConvention;
        _signature = new Lazy<EntrySignature>(signature);
        Origin = origin;
    }

    public string Name { get; }
    public Access Access { get; }
    public bool IsStatic { get; }
    public bool IsGeneric { get; }
    public bool IsSpecialName { get; }
    public bool IsAsyncVoid { get; }
    public string? CallingConvention { get; }
    public EntrySignature Signature => _signature.Value;
    public object? Origin { get; }

    /// <summary>Public and not a constructor, accessor or operator: the only methods that can be entry points.</summary>
    public bool IsPublicOrdinary => Access == Access.Public && !IsSpecialName;

    public override string ToString() => Name;
}

/// <summary>Parameters (ref/out/in ones wrapped as <see cref="SignatureTypeKind.ByReference"/>) and return type (by-ref returns wrapped too).</summary>
public sealed class EntrySignature
{
    public EntrySignature(IReadOnlyList<EntryParameterModel> parameters, SignatureType returnType)
    {
        Parameters = parameters;
        ReturnType = returnType;
    }

    public IReadOnlyList<EntryParameterModel> Parameters { get; }
    public SignatureType ReturnType { get; }
}

/// <param name="Name">The parameter's name, or <c>#n</c> (1-based) when the assembly does not record one.</param>
/// <param name="Origin">The reader's own object, for locations.</param>
public sealed record EntryParameterModel(string Name, SignatureType Type, object? Origin = null);
