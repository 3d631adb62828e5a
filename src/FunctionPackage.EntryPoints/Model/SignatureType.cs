namespace FunctionPackage.EntryPoints;

/// <summary>What a signature element is; only the distinctions entry point validation needs.</summary>
public enum SignatureTypeKind
{
    /// <summary>A primitive or a named class/struct (<see cref="SignatureType.Name"/> is its full metadata name).</summary>
    Named,
    /// <summary>A generic instantiation such as <c>Task`1&lt;T&gt;</c>.</summary>
    GenericInstance,
    /// <summary>A single-dimensional zero-based array (<c>T[]</c>).</summary>
    SZArray,
    /// <summary>A multi-dimensional array (<c>T[,]</c>).</summary>
    Array,
    /// <summary>A <c>ref</c>/<c>out</c>/<c>in</c> parameter or a by-ref return.</summary>
    ByReference,
    Pointer,
    FunctionPointer,
    /// <summary>A type or method generic parameter (<c>!0</c>, <c>!!0</c>).</summary>
    GenericParameter,
}

/// <summary>What kind of type a named type (or a generic instance's definition) is.</summary>
public enum TypeCategory
{
    /// <summary>The reader cannot tell (e.g. a type the compiler could not bind); treated as a class.</summary>
    Unknown,
    Class,
    Struct,
    Interface,
    Enum,
    Delegate,
}

/// <summary>The facts about a named type that the rules ask for; readers compute them only when asked.</summary>
public readonly struct TypeTraits
{
    public TypeTraits(TypeCategory category, bool isByRefLike)
    {
        Category = category;
        IsByRefLike = isByRefLike;
    }

    public TypeCategory Category { get; }

    /// <summary>A <c>ref struct</c> (<c>Span&lt;T&gt;</c>, <c>TypedReference</c>, ...): it cannot be boxed, so no host can pass or return it.</summary>
    public bool IsByRefLike { get; }

    public static readonly TypeTraits Unknown = new(TypeCategory.Unknown, false);
}

/// <summary>
/// A type as it appears in a method signature. Named types carry their full metadata name
/// (namespace-qualified, nested types joined with '+', generic arity kept, e.g. <c>System.Threading.Tasks.Task`1</c>).
/// </summary>
public sealed class SignatureType
{
    private readonly Lazy<TypeTraits> _traits;

    private SignatureType(SignatureTypeKind kind, string name, SignatureType? element, IReadOnlyList<SignatureType>? arguments, Func<TypeTraits>? traits)
    {
        Kind = kind;
        Name = name;
        Element = element;
        Arguments = arguments ?? Array.Empty<SignatureType>();
        _traits = new Lazy<TypeTraits>(traits ?? (() => TypeTraits.Unknown));
    }

    public SignatureTypeKind Kind { get; }

    /// <summary>Full metadata name for <see cref="SignatureTypeKind.Named"/>; the generic type's name for instances.</summary>
    public string Name { get; }

    /// <summary>Element type of arrays, pointers and by-refs; the generic type definition of an instance.</summary>
    public SignatureType? Element { get; }

    /// <summary>Type arguments of a <see cref="SignatureTypeKind.GenericInstance"/>.</summary>
    public IReadOnlyList<SignatureType> Arguments { get; }

    /// <summary>Category and ref-struct-ness of a named type or generic instance (asked lazily: a reader may have to look it up).</summary>
    public TypeTraits Traits => Kind == SignatureTypeKind.GenericInstance ? Element!.Traits : _traits.Value;

    /// <param name="traits">Computes the type's traits when the rules first ask; null when unknown.</param>
    public static SignatureType Named(string fullName, Func<TypeTraits>? traits = null) => new(SignatureTypeKind.Named, fullName, null, null, traits);

    public static SignatureType Generic(SignatureType definition, IReadOnlyList<SignatureType> arguments) =>
        new(SignatureTypeKind.GenericInstance, definition.Name, definition, arguments, null);

    public static SignatureType Wrap(SignatureTypeKind kind, SignatureType element) => new(kind, element.Name, element, null, null);

    public static SignatureType Other(SignatureTypeKind kind, string name) => new(kind, name, null, null, null);

    /// <summary>True for the named type <paramref name="fullName"/> (not an instance or array of it).</summary>
    public bool Is(string fullName) => Kind == SignatureTypeKind.Named && string.Equals(Name, fullName, StringComparison.Ordinal);

    /// <summary>True for an instantiation of the generic type <paramref name="fullName"/> (e.g. <c>System.Threading.Tasks.Task`1</c>).</summary>
    public bool IsInstanceOf(string fullName) =>
        Kind == SignatureTypeKind.GenericInstance && string.Equals(Name, fullName, StringComparison.Ordinal);

    /// <summary>A C#-like display form for messages, e.g. <c>System.Threading.Tasks.Task&lt;Ns.Order&gt;</c>.</summary>
    public override string ToString() => Kind switch
    {
        SignatureTypeKind.Named => Name,
        SignatureTypeKind.GenericInstance => $"{StripArity(Name)}<{string.Join(", ", Arguments.Select(a => a.ToString()))}>",
        SignatureTypeKind.SZArray => $"{Element}[]",
        SignatureTypeKind.Array => $"{Element}[,]",
        SignatureTypeKind.ByReference => $"ref {Element}",
        SignatureTypeKind.Pointer => $"{Element}*",
        _ => Name,
    };

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`');
        return tick < 0 ? name : name.Substring(0, tick);
    }
}
