using FunctionPackage.Model;

namespace FunctionPackage.EntryPoints;

/// <summary>The outcome of the rules: a resolution (and the method it names) or one coded diagnostic.</summary>
public sealed class EntryPointVerdict
{
    private EntryPointVerdict(EntryPointResolution? resolution, EntryMethodModel? method, EntryPointDiagnostic? diagnostic)
    {
        Resolution = resolution;
        Method = method;
        Diagnostic = diagnostic;
    }

    public EntryPointResolution? Resolution { get; }
    /// <summary>The entry method's model when valid (its <see cref="EntryMethodModel.Origin"/> is the reader's method).</summary>
    public EntryMethodModel? Method { get; }
    public EntryPointDiagnostic? Diagnostic { get; }
    public bool IsValid => Diagnostic is null;

    internal static EntryPointVerdict Valid(EntryPointResolution resolution, EntryMethodModel method) => new(resolution, method, null);
    internal static EntryPointVerdict Refused(EntryPointDiagnostic diagnostic) => new(null, null, diagnostic);
}

/// <summary>
/// The one definition of a valid entry point (docs/entry-point.md lists the rules). Works on the neutral model,
/// so the SDK task, the host and the analyzer give the same verdicts, codes and messages.
/// </summary>
public static class EntryPointRules
{
    /// <summary>Methods that discovery picks up when <c>FunctionEntryPoint</c> is not set.</summary>
    public static readonly IReadOnlyList<string> DiscoveryMethodNames = new[] { "Handle", "HandleAsync" };

    public const string CloudEventTypeName = "CloudNative.CloudEvents.CloudEvent";
    private const string CancellationTokenTypeName = "System.Threading.CancellationToken";
    private const int MaxListed = 10;

    /// <summary>FPKG1001 for a value that is not <c>Namespace.Type::Method</c>; null for a well-formed or empty (discover) value.</summary>
    public static EntryPointDiagnostic? CheckSyntax(string? entryPoint) =>
        string.IsNullOrWhiteSpace(entryPoint) || EntryPointReference.TryParse(entryPoint, out _)
            ? null
            : Diagnostic(EntryPointCodes.Malformed, EntryPointProblem.Malformed, null, entryPoint!.Trim());

    /// <summary>
    /// Resolves <paramref name="entryPoint"/> (<c>Namespace.Type::Method</c>) in the assembly, or discovers the
    /// single <c>Handle</c>/<c>HandleAsync</c> method when it is null or blank, and validates it.
    /// </summary>
    public static EntryPointVerdict Resolve(EntryAssemblyModel assembly, string? entryPoint)
    {
        var malformed = CheckSyntax(entryPoint);
        if (malformed is not null) return EntryPointVerdict.Refused(malformed);
        try
        {
            if (string.IsNullOrWhiteSpace(entryPoint))
            {
                var (type, method) = Discover(assembly);
                return Check(type, method, discovered: true);
            }
            EntryPointReference.TryParse(entryPoint, out var reference);
            return Check(FindType(assembly, reference.Type), reference.Method, discovered: false);
        }
        catch (RefusedException refused)
        {
            return EntryPointVerdict.Refused(refused.Diagnostic);
        }
    }

    /// <summary>Validates <paramref name="methodName"/> on a type already found (the host's path for a known method).</summary>
    public static EntryPointVerdict Validate(EntryTypeModel type, string methodName)
    {
        try
        {
            return Check(type, methodName, discovered: false);
        }
        catch (RefusedException refused)
        {
            return EntryPointVerdict.Refused(refused.Diagnostic);
        }
    }

    private static (EntryTypeModel Type, string Method) Discover(EntryAssemblyModel assembly)
    {
        var candidates = new SortedDictionary<string, (EntryTypeModel, string)>(StringComparer.Ordinal);
        foreach (var type in assembly.Types())
        {
            if (DescribeTypeProblem(type) is not null) continue;
            foreach (var method in type.Methods)
            {
                if (!DiscoveryMethodNames.Contains(method.Name, StringComparer.Ordinal)) continue;
                if (!method.IsPublicOrdinary || method.IsGeneric) continue;
                // Overloads on one type are one candidate; validation then reports them (FPKG1005).
                candidates[$"{type.FullName}::{method.Name}"] = (type, method.Name);
            }
        }

        if (candidates.Count == 0)
            throw Refuse(EntryPointCodes.NotDiscovered, EntryPointProblem.NotDiscovered, null, assembly.FileName);
        if (candidates.Count > 1)
        {
            var related = candidates.Values.Select(c => (object)c.Item1).Distinct().ToList();
            throw Refuse(EntryPointCodes.Ambiguous, EntryPointProblem.Ambiguous, null, related, assembly.FileName, string.Join(", ", candidates.Keys));
        }
        return candidates.Values.Single();
    }

    private static EntryTypeModel FindType(EntryAssemblyModel assembly, string typeName)
    {
        if (!IsCompilerGenerated(typeName) && assembly.FindType(typeName) is { } exact) return exact;

        var all = assembly.Types().Where(t => !IsCompilerGenerated(t.FullName)).ToList();
        // 'Ns.Box' for the generic 'Ns.Box`1': resolve it so the user hears "it is generic" (FPKG1003), not "not found".
        var generic = all.Where(t => t.FullName.IndexOf('`') >= 0 && string.Equals(StripArity(t.FullName), typeName, StringComparison.Ordinal)).ToList();
        if (generic.Count == 1) return generic[0];

        var simpleName = SimpleName(typeName);
        var suggestions = all
            .Where(t => string.Equals(t.FullName, typeName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(t.FullName.Replace('+', '.'), typeName.Replace('+', '.'), StringComparison.OrdinalIgnoreCase)
                || string.Equals(SimpleName(StripArity(t.FullName)), simpleName, StringComparison.OrdinalIgnoreCase)
                || IsTypo(t.FullName, typeName))
            .GroupBy(t => t.FullName, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Take(MaxListed)
            .ToList();
        var hint = suggestions.Count == 0 ? "" : $" Did you mean {string.Join(" or ", suggestions.Select(s => $"'{s.FullName}'"))}?";
        throw Refuse(EntryPointCodes.TypeNotFound, EntryPointProblem.TypeNotFound, null, suggestions.Cast<object>().ToList(), typeName, assembly.FileName, hint);
    }

    private static EntryPointVerdict Check(EntryTypeModel type, string methodName, bool discovered)
    {
        var typeName = type.FullName;
        var reference = $"{typeName}::{methodName}";

        var typeProblem = DescribeTypeProblem(type);
        if (typeProblem is not null)
            throw Refuse(EntryPointCodes.TypeNotUsable, EntryPointProblem.TypeNotUsable, type, typeName, typeProblem);

        var methods = type.Methods.Where(m => !m.IsSpecialName).ToList();
        var named = methods.Where(m => m.Name == methodName).ToList();
        var publicNamed = named.Where(m => m.IsPublicOrdinary).ToList();
        if (publicNamed.Count == 0)
        {
            if (named.Count > 0)
                throw Refuse(EntryPointCodes.MethodNotUsable, EntryPointProblem.MethodNotPublic, named[0], reference, $"not public (it is {Describe(named[0].Access)})");
            var (hint, suggested) = MethodHint(type, methods, methodName);
            throw Refuse(EntryPointCodes.MethodNotFound, EntryPointProblem.MethodNotFound, type, suggested, typeName, methodName, hint);
        }
        if (publicNamed.Count > 1)
            throw Refuse(EntryPointCodes.MethodOverloaded, EntryPointProblem.MethodOverloaded, publicNamed[0], publicNamed.Skip(1).Cast<object>().ToList(), reference, publicNamed.Count);

        var method = publicNamed[0];
        if (method.IsGeneric)
            throw Refuse(EntryPointCodes.MethodNotUsable, EntryPointProblem.MethodGeneric, method, reference, "generic");

        var signature = method.Signature;
        if (method.IsAsyncVoid)
            throw Refuse(EntryPointCodes.AsyncVoid, EntryPointProblem.AsyncVoid, method, reference);

        var (input, hasCancellation) = ClassifyParameters(method, signature, reference);
        var result = ClassifyResult(method, signature.ReturnType, reference);

        // An instance method on a static class (abstract sealed, no constructor; only possible in IL) lands here too.
        if (!method.IsStatic && !type.HasPublicParameterlessConstructor)
            throw Refuse(EntryPointCodes.NoConstructor, EntryPointProblem.NoConstructor, method, reference, typeName);

        var shape = new EntryPointShape(method.IsStatic, input, hasCancellation, result);
        return EntryPointVerdict.Valid(new EntryPointResolution(typeName, methodName, shape, discovered), method);
    }

    private static (EntryPointInputKind Input, bool HasCancellation) ClassifyParameters(EntryMethodModel method, EntrySignature signature, string reference)
    {
        if (method.CallingConvention is not null)
            throw Unsupported(method, reference, $"it uses the {method.CallingConvention} calling convention");

        var parameters = signature.Parameters;
        var hasCancellation = parameters.Count > 0 && parameters[parameters.Count - 1].Type.Is(CancellationTokenTypeName);
        var inputCount = hasCancellation ? parameters.Count - 1 : parameters.Count;

        for (var i = 0; i < inputCount; i++)
            if (parameters[i].Type.Is(CancellationTokenTypeName))
                throw Unsupported(parameters[i], reference, $"the CancellationToken parameter '{parameters[i].Name}' must be the last parameter");
        if (inputCount > 1)
        {
            var inputs = string.Join(", ", parameters.Take(inputCount).Select(p => $"'{p.Name}'"));
            throw Unsupported(method, reference, $"it has {inputCount} input parameters ({inputs}); take one (wrap several values in a class)");
        }
        if (inputCount == 0) return (EntryPointInputKind.None, hasCancellation);

        var parameter = parameters[0];
        var type = parameter.Type;
        var problem = type.Kind switch
        {
            SignatureTypeKind.ByReference => "is passed by reference (ref, out or in)",
            SignatureTypeKind.Pointer => "is a pointer",
            SignatureTypeKind.FunctionPointer => "is a function pointer",
            SignatureTypeKind.GenericParameter => "is an open generic parameter",
            _ when type.Is("System.TypedReference") => "is a TypedReference",
            _ => null,
        };
        if (problem is not null)
            throw Unsupported(parameter, reference, $"the input parameter '{parameter.Name}' {problem}");

        if (type.Is("System.String")) return (EntryPointInputKind.String, hasCancellation);
        if (type.Kind == SignatureTypeKind.SZArray && type.Element!.Is("System.Byte")) return (EntryPointInputKind.Bytes, hasCancellation);
        if (type.Is(CloudEventTypeName)) return (EntryPointInputKind.CloudEvent, hasCancellation);

        // Traits last: the metadata reader may have to open a referenced assembly to answer.
        // One rule for all readers: no host can box a ref struct or build a delegate from event data.
        if (type.Traits.IsByRefLike)
            throw Unsupported(parameter, reference, $"the input parameter '{parameter.Name}' is a ref struct ({type}), which cannot be boxed or bound from event data; take string, byte[] or a class");
        if (type.Traits.Category == TypeCategory.Delegate)
            throw Unsupported(parameter, reference, $"the input parameter '{parameter.Name}' is a delegate ({type}), which cannot be bound from event data; take string, byte[] or a class");
        return (EntryPointInputKind.Poco, hasCancellation);
    }

    private static EntryPointResultKind ClassifyResult(EntryMethodModel method, SignatureType returnType, string reference)
    {
        var problem = returnType.Kind switch
        {
            SignatureTypeKind.ByReference => "it returns by reference",
            SignatureTypeKind.Pointer or SignatureTypeKind.FunctionPointer => "it returns a pointer",
            SignatureTypeKind.GenericParameter => "its return type is an open generic parameter",
            _ => null,
        };
        if (problem is not null) throw Unsupported(method, reference, problem);

        if (returnType.Is("System.Void")) return EntryPointResultKind.Void;
        if (returnType.Is("System.Threading.Tasks.Task")) return EntryPointResultKind.Task;
        if (returnType.IsInstanceOf("System.Threading.Tasks.Task`1")) return EntryPointResultKind.TaskOfT;
        if (returnType.Is("System.Threading.Tasks.ValueTask")) return EntryPointResultKind.ValueTask;
        if (returnType.IsInstanceOf("System.Threading.Tasks.ValueTask`1")) return EntryPointResultKind.ValueTaskOfT;

        // As for inputs: a ref struct cannot be boxed into the host's result, a delegate cannot be serialized.
        if (returnType.Traits.IsByRefLike)
            throw Unsupported(method, reference, $"it returns a ref struct ({returnType}), which cannot be boxed or serialized; return a class, string or byte[]");
        if (returnType.Traits.Category == TypeCategory.Delegate)
            throw Unsupported(method, reference, $"it returns a delegate ({returnType}), which cannot be serialized; return a class, string or byte[]");
        return EntryPointResultKind.Value;
    }

    /// <summary>Why a type cannot host an entry point, or null when it can (used by validation and discovery).</summary>
    private static string? DescribeTypeProblem(EntryTypeModel type)
    {
        switch (type.Category)
        {
            case TypeCategory.Interface: return "an interface";
            case TypeCategory.Enum: return "an enum";
            // One rule for all readers: a struct's copy semantics and default instance make no sense for a handler.
            case TypeCategory.Struct: return "a struct (only classes are supported)";
            case TypeCategory.Delegate: return "a delegate";
        }
        if (type.IsGeneric) return "generic";

        if (type.Access != Access.Public) return $"not public (it is {Describe(type.Access)})";
        for (var outer = type.DeclaringType; outer is not null; outer = outer.DeclaringType)
        {
            if (outer.Access != Access.Public)
                return $"nested in '{outer.FullName}', which is {Describe(outer.Access)}";
        }

        if (type.IsAbstract && !type.IsSealed) return "abstract";
        return null;
    }

    private static (string Hint, IReadOnlyList<object> Suggested) MethodHint(EntryTypeModel type, List<EntryMethodModel> methods, string methodName)
    {
        // Only declared methods count; say so when the method is inherited from a base class in the same assembly.
        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (baseType.Methods.Any(m => m.IsPublicOrdinary && m.Name == methodName))
                return ($" It is inherited from '{baseType.FullName}'; an entry point must be declared on the type itself.", Array.Empty<object>());
        }

        var publicMethods = methods.Where(m => m.IsPublicOrdinary).ToList();
        var publicNames = publicMethods.Select(m => m.Name).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var sameIgnoringCase = publicNames.Where(n => string.Equals(n, methodName, StringComparison.OrdinalIgnoreCase) || IsTypo(n, methodName)).ToList();
        if (sameIgnoringCase.Count > 0)
        {
            var suggested = publicMethods.Where(m => sameIgnoringCase.Contains(m.Name)).Cast<object>().ToList();
            return ($" Did you mean {string.Join(" or ", sameIgnoringCase.Select(n => $"'{n}'"))}?", suggested);
        }
        if (publicNames.Count == 0)
            return (" The type declares no public methods.", Array.Empty<object>());
        var listed = string.Join(", ", publicNames.Take(MaxListed));
        return ($" Public methods declared on the type: {listed}{(publicNames.Count > MaxListed ? ", ..." : "")}.", Array.Empty<object>());
    }

    /// <summary>The "did you mean" names of an FPKG1002/FPKG1004 diagnostic, for a code fix; empty for other diagnostics.</summary>
    public static IReadOnlyList<string> SuggestedNames(EntryPointDiagnostic diagnostic) => diagnostic.Problem switch
    {
        EntryPointProblem.TypeNotFound => diagnostic.Related.OfType<EntryTypeModel>().Select(t => t.FullName).ToList(),
        EntryPointProblem.MethodNotFound => diagnostic.Related.OfType<EntryMethodModel>().Select(m => m.Name).ToList(),
        _ => Array.Empty<string>(),
    };

    private static string Describe(Access access) => access switch
    {
        Access.Internal => "internal",
        Access.Private => "private",
        Access.Protected => "protected",
        Access.PrivateProtected => "private protected",
        Access.ProtectedInternal => "protected internal",
        _ => "public",
    };

    /// <summary>
    /// A likely typo: few single-character edits apart, ignoring case (Levenshtein distance). One edit per four
    /// characters typed, at most two, so short names like 'Run' do not "match" 'Ref'.
    /// </summary>
    private static bool IsTypo(string candidate, string typed)
    {
        var maxEdits = Math.Min(2, typed.Length / 4);
        if (maxEdits == 0 || Math.Abs(candidate.Length - typed.Length) > maxEdits) return false;
        var a = candidate.ToLowerInvariant();
        var b = typed.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length] <= maxEdits;
    }

    private static bool IsCompilerGenerated(string typeName) => typeName == "<Module>" || typeName.IndexOf('<') >= 0;

    private static string SimpleName(string typeName)
    {
        var separator = typeName.LastIndexOfAny(new[] { '.', '+' });
        return separator < 0 ? typeName : typeName.Substring(separator + 1);
    }

    private static string StripArity(string typeName) => System.Text.RegularExpressions.Regex.Replace(typeName, "`[0-9]+", "");

    private static RefusedException Unsupported(object subject, string reference, string reason) =>
        Refuse(EntryPointCodes.UnsupportedSignature, EntryPointProblem.UnsupportedSignature, subject, reference, reason);

    private static RefusedException Refuse(string code, EntryPointProblem problem, object? subject, params object[] args) =>
        Refuse(code, problem, subject, Array.Empty<object>(), args);

    private static RefusedException Refuse(string code, EntryPointProblem problem, object? subject, IReadOnlyList<object> related, params object[] args) =>
        new(Diagnostic(code, problem, subject, related, args));

    private static EntryPointDiagnostic Diagnostic(string code, EntryPointProblem problem, object? subject, params object[] args) =>
        Diagnostic(code, problem, subject, Array.Empty<object>(), args);

    private static EntryPointDiagnostic Diagnostic(string code, EntryPointProblem problem, object? subject, IReadOnlyList<object> related, params object[] args) =>
        new(code, problem, EntryPointMessages.Format(code, args), subject, related);

    /// <summary>Carries a refusal out of the nested checks; never leaves this class.</summary>
    private sealed class RefusedException : Exception
    {
        public RefusedException(EntryPointDiagnostic diagnostic) : base(diagnostic.Message) => Diagnostic = diagnostic;
        public EntryPointDiagnostic Diagnostic { get; }
    }
}
