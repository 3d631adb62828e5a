using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using FunctionPackage.Model;
using FunctionPackage.Sdk.Diagnostics;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>
/// Resolves and validates a function's entry point by reading the built assembly's metadata
/// (System.Reflection.Metadata only: the assembly is never loaded, and the file is not kept open or locked).
/// Every failure is a <see cref="FunctionPackageException"/> with an FPKG10xx code; docs/entry-point.md lists the rules.
/// </summary>
public sealed class EntryPointValidator
{
    /// <summary>Methods that discovery picks up when <c>FunctionEntryPoint</c> is not set.</summary>
    public static readonly IReadOnlyList<string> DiscoveryMethodNames = new[] { "Handle", "HandleAsync" };

    public const string CloudEventTypeName = "CloudNative.CloudEvents.CloudEvent";
    private const string CancellationTokenTypeName = "System.Threading.CancellationToken";
    private const string AsyncStateMachineAttributeName = "System.Runtime.CompilerServices.AsyncStateMachineAttribute";
    private const int MaxListed = 10;

    /// <summary>
    /// Resolves <paramref name="entryPoint"/> (<c>Namespace.Type::Method</c>) in the assembly, or discovers the
    /// single <c>Handle</c>/<c>HandleAsync</c> method when it is null or blank, and validates it.
    /// </summary>
    public EntryPointResolution Resolve(string assemblyPath, string? entryPoint)
    {
        // Parse before touching the file: a malformed value is the user's first problem to fix.
        var discover = string.IsNullOrWhiteSpace(entryPoint);
        EntryPointReference reference = default;
        if (!discover && !EntryPointReference.TryParse(entryPoint, out reference))
            throw new FunctionPackageException(DiagnosticCodes.EntryPointMalformed, entryPoint!.Trim());

        using var pe = OpenPEReader(assemblyPath);
        try
        {
            if (!pe.HasMetadata)
                throw new FunctionPackageException(DiagnosticCodes.AssemblyUnreadable, assemblyPath, "it is not a .NET assembly (no metadata)");
            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
                throw new FunctionPackageException(DiagnosticCodes.AssemblyUnreadable, assemblyPath, "it is a module, not an assembly");

            var fileName = Path.GetFileName(assemblyPath);
            if (discover)
            {
                var (type, method) = Discover(reader, fileName);
                return Validate(reader, type, method, discovered: true);
            }

            var typeHandle = FindType(reader, reference.Type, fileName);
            return Validate(reader, typeHandle, reference.Method, discovered: false);
        }
        catch (BadImageFormatException ex)
        {
            throw new FunctionPackageException(ex, DiagnosticCodes.AssemblyUnreadable, assemblyPath, ex.Message);
        }
    }

    // The stream is shared for read/write/delete and closed before any analysis: PrefetchMetadata copies
    // the headers and metadata into memory, so a build can overwrite or delete the file right after.
    private static PEReader OpenPEReader(string assemblyPath)
    {
        if (!File.Exists(assemblyPath))
            throw new FunctionPackageException(DiagnosticCodes.AssemblyUnreadable, assemblyPath, "the file does not exist");
        try
        {
            using var stream = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new PEReader(stream, PEStreamOptions.PrefetchMetadata | PEStreamOptions.LeaveOpen);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            throw new FunctionPackageException(ex, DiagnosticCodes.AssemblyUnreadable, assemblyPath, ex.Message);
        }
    }

    private static (TypeDefinitionHandle Type, string Method) Discover(MetadataReader reader, string fileName)
    {
        var candidates = new SortedDictionary<string, (TypeDefinitionHandle, string)>(StringComparer.Ordinal);
        foreach (var typeHandle in reader.TypeDefinitions)
        {
            if (DescribeTypeProblem(reader, typeHandle) is not null) continue;
            var typeName = MetadataNames.GetFullName(reader, typeHandle);
            foreach (var methodHandle in reader.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                var name = reader.GetString(method.Name);
                if (!DiscoveryMethodNames.Contains(name, StringComparer.Ordinal)) continue;
                if (!IsPublicOrdinaryMethod(method) || method.GetGenericParameters().Count > 0) continue;
                // Overloads on one type are one candidate; validation then reports them (FPKG1005).
                candidates[$"{typeName}::{name}"] = (typeHandle, name);
            }
        }

        if (candidates.Count == 0)
            throw new FunctionPackageException(DiagnosticCodes.EntryPointNotDiscovered, fileName);
        if (candidates.Count > 1)
            throw new FunctionPackageException(DiagnosticCodes.EntryPointAmbiguous, fileName, string.Join(", ", candidates.Keys));
        return candidates.Values.Single();
    }

    private static TypeDefinitionHandle FindType(MetadataReader reader, string typeName, string fileName)
    {
        var all = reader.TypeDefinitions
            .Select(h => (Handle: h, Name: MetadataNames.GetFullName(reader, h)))
            .Where(t => t.Name != "<Module>" && !t.Name.Contains('<'))
            .ToList();

        foreach (var type in all)
            if (string.Equals(type.Name, typeName, StringComparison.Ordinal)) return type.Handle;

        // 'Ns.Box' for the generic 'Ns.Box`1': resolve it so the user hears "it is generic" (FPKG1003), not "not found".
        var generic = all.Where(t => t.Name.Contains('`') && string.Equals(StripArity(t.Name), typeName, StringComparison.Ordinal)).ToList();
        if (generic.Count == 1) return generic[0].Handle;

        var simpleName = SimpleName(typeName);
        var suggestions = all
            .Select(t => t.Name)
            .Where(n => string.Equals(n, typeName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(n.Replace('+', '.'), typeName.Replace('+', '.'), StringComparison.OrdinalIgnoreCase)
                || string.Equals(SimpleName(StripArity(n)), simpleName, StringComparison.OrdinalIgnoreCase)
                || IsTypo(n, typeName))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .Take(MaxListed)
            .ToList();
        var hint = suggestions.Count == 0 ? "" : $" Did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?";
        throw new FunctionPackageException(DiagnosticCodes.EntryPointTypeNotFound, typeName, fileName, hint);
    }

    private static EntryPointResolution Validate(MetadataReader reader, TypeDefinitionHandle typeHandle, string methodName, bool discovered)
    {
        var typeName = MetadataNames.GetFullName(reader, typeHandle);
        var reference = $"{typeName}::{methodName}";
        var type = reader.GetTypeDefinition(typeHandle);

        var typeProblem = DescribeTypeProblem(reader, typeHandle);
        if (typeProblem is not null)
            throw new FunctionPackageException(DiagnosticCodes.EntryPointTypeNotUsable, typeName, typeProblem);

        var methods = type.GetMethods().Select(reader.GetMethodDefinition).Where(m => !IsSpecialName(m)).ToList();
        var named = methods.Where(m => reader.GetString(m.Name) == methodName).ToList();
        var publicNamed = named.Where(IsPublicOrdinaryMethod).ToList();
        if (publicNamed.Count == 0)
        {
            if (named.Count > 0)
                throw new FunctionPackageException(DiagnosticCodes.EntryPointMethodNotUsable, reference, $"not public (it is {Accessibility(named[0].Attributes)})");
            throw new FunctionPackageException(DiagnosticCodes.EntryPointMethodNotFound, typeName, methodName, MethodHint(reader, type, methods, methodName));
        }
        if (publicNamed.Count > 1)
            throw new FunctionPackageException(DiagnosticCodes.EntryPointMethodOverloaded, reference, publicNamed.Count);

        var method = publicNamed[0];
        if (method.GetGenericParameters().Count > 0)
            throw new FunctionPackageException(DiagnosticCodes.EntryPointMethodNotUsable, reference, "generic");

        var signature = method.DecodeSignature(SignatureTypeProvider.Instance, genericContext: null);
        if (signature.ReturnType.Is("System.Void") && HasAttribute(reader, method.GetCustomAttributes(), AsyncStateMachineAttributeName))
            throw new FunctionPackageException(DiagnosticCodes.EntryPointAsyncVoid, reference);

        var (input, hasCancellation) = ClassifyParameters(reader, method, signature, reference);
        var result = ClassifyResult(signature.ReturnType, reference);

        var isStatic = (method.Attributes & MethodAttributes.Static) != 0;
        // An instance method on a static class (abstract sealed, no constructor; only possible in IL) lands here too.
        if (!isStatic && !HasPublicParameterlessConstructor(reader, type.GetMethods()))
            throw new FunctionPackageException(DiagnosticCodes.EntryPointNoConstructor, reference, typeName);

        return new EntryPointResolution(typeName, methodName, new EntryPointShape(isStatic, input, hasCancellation, result), discovered);
    }

    private static (EntryPointInputKind Input, bool HasCancellation) ClassifyParameters(
        MetadataReader reader, MethodDefinition method, MethodSignature<SignatureType> signature, string reference)
    {
        if (signature.Header.CallingConvention != SignatureCallingConvention.Default)
            throw Unsupported(reference, $"it uses the {signature.Header.CallingConvention} calling convention");

        var names = ParameterNames(reader, method, signature.ParameterTypes.Length);
        var parameters = signature.ParameterTypes;
        var hasCancellation = parameters.Length > 0 && parameters[parameters.Length - 1].Is(CancellationTokenTypeName);
        var inputCount = hasCancellation ? parameters.Length - 1 : parameters.Length;

        for (var i = 0; i < inputCount; i++)
            if (parameters[i].Is(CancellationTokenTypeName))
                throw Unsupported(reference, $"the CancellationToken parameter '{names[i]}' must be the last parameter");
        if (inputCount > 1)
        {
            var inputs = string.Join(", ", names.Take(inputCount).Select(n => $"'{n}'"));
            throw Unsupported(reference, $"it has {inputCount} input parameters ({inputs}); take one (wrap several values in a class)");
        }
        if (inputCount == 0) return (EntryPointInputKind.None, hasCancellation);

        var parameter = parameters[0];
        var problem = parameter.Kind switch
        {
            SignatureTypeKind.ByReference => "is passed by reference (ref, out or in)",
            SignatureTypeKind.Pointer => "is a pointer",
            SignatureTypeKind.FunctionPointer => "is a function pointer",
            SignatureTypeKind.GenericParameter => "is an open generic parameter",
            _ when parameter.Is("System.TypedReference") => "is a TypedReference",
            _ => null,
        };
        if (problem is not null)
            throw Unsupported(reference, $"the input parameter '{names[0]}' {problem}");

        EntryPointInputKind input;
        if (parameter.Is("System.String")) input = EntryPointInputKind.String;
        else if (parameter.Kind == SignatureTypeKind.SZArray && parameter.Element!.Is("System.Byte")) input = EntryPointInputKind.Bytes;
        else if (parameter.Is(CloudEventTypeName)) input = EntryPointInputKind.CloudEvent;
        else input = EntryPointInputKind.Poco;
        return (input, hasCancellation);
    }

    private static EntryPointResultKind ClassifyResult(SignatureType returnType, string reference)
    {
        var problem = returnType.Kind switch
        {
            SignatureTypeKind.ByReference => "it returns by reference",
            SignatureTypeKind.Pointer or SignatureTypeKind.FunctionPointer => "it returns a pointer",
            SignatureTypeKind.GenericParameter => "its return type is an open generic parameter",
            _ => null,
        };
        if (problem is not null) throw Unsupported(reference, problem);

        if (returnType.Is("System.Void")) return EntryPointResultKind.Void;
        if (returnType.Is("System.Threading.Tasks.Task")) return EntryPointResultKind.Task;
        if (returnType.IsInstanceOf("System.Threading.Tasks.Task`1")) return EntryPointResultKind.TaskOfT;
        if (returnType.Is("System.Threading.Tasks.ValueTask")) return EntryPointResultKind.ValueTask;
        if (returnType.IsInstanceOf("System.Threading.Tasks.ValueTask`1")) return EntryPointResultKind.ValueTaskOfT;
        return EntryPointResultKind.Value;
    }

    private static FunctionPackageException Unsupported(string reference, string reason) =>
        new(DiagnosticCodes.EntryPointUnsupportedSignature, reference, reason);

    /// <summary>Why a type cannot host an entry point, or null when it can (used by validation and discovery).</summary>
    private static string? DescribeTypeProblem(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var attributes = type.Attributes;
        if ((attributes & TypeAttributes.Interface) != 0) return "an interface";
        switch (MetadataNames.GetFullName(reader, type.BaseType))
        {
            case "System.Enum": return "an enum";
            case "System.ValueType": return "a struct (only classes are supported)";
            case "System.MulticastDelegate": return "a delegate";
        }
        if (type.GetGenericParameters().Count > 0) return "generic";

        if (!IsPublicType(attributes)) return $"not public (it is {Accessibility(attributes)})";
        for (var outer = type.GetDeclaringType(); !outer.IsNil; outer = reader.GetTypeDefinition(outer).GetDeclaringType())
        {
            var outerAttributes = reader.GetTypeDefinition(outer).Attributes;
            if (!IsPublicType(outerAttributes))
                return $"nested in '{MetadataNames.GetFullName(reader, outer)}', which is {Accessibility(outerAttributes)}";
        }

        var isAbstract = (attributes & TypeAttributes.Abstract) != 0;
        var isSealed = (attributes & TypeAttributes.Sealed) != 0;
        if (isAbstract && !isSealed) return "abstract";
        return null;
    }

    private static bool IsPublicType(TypeAttributes attributes)
    {
        var visibility = attributes & TypeAttributes.VisibilityMask;
        return visibility is TypeAttributes.Public or TypeAttributes.NestedPublic;
    }

    private static string Accessibility(TypeAttributes attributes) => (attributes & TypeAttributes.VisibilityMask) switch
    {
        TypeAttributes.NotPublic or TypeAttributes.NestedAssembly => "internal",
        TypeAttributes.NestedPrivate => "private",
        TypeAttributes.NestedFamily => "protected",
        TypeAttributes.NestedFamANDAssem => "private protected",
        TypeAttributes.NestedFamORAssem => "protected internal",
        _ => "public",
    };

    private static string Accessibility(MethodAttributes attributes) => (attributes & MethodAttributes.MemberAccessMask) switch
    {
        MethodAttributes.Private or MethodAttributes.PrivateScope => "private",
        MethodAttributes.FamANDAssem => "private protected",
        MethodAttributes.Assembly => "internal",
        MethodAttributes.Family => "protected",
        MethodAttributes.FamORAssem => "protected internal",
        _ => "public",
    };

    // Constructors, property/event accessors and operators are never entry points.
    private static bool IsSpecialName(MethodDefinition method) =>
        (method.Attributes & (MethodAttributes.SpecialName | MethodAttributes.RTSpecialName)) != 0;

    private static bool IsPublicOrdinaryMethod(MethodDefinition method) =>
        (method.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public && !IsSpecialName(method);

    private static bool HasPublicParameterlessConstructor(MetadataReader reader, MethodDefinitionHandleCollection methods)
    {
        foreach (var handle in methods)
        {
            var method = reader.GetMethodDefinition(handle);
            if (reader.GetString(method.Name) != ".ctor") continue;
            if ((method.Attributes & MethodAttributes.MemberAccessMask) != MethodAttributes.Public) continue;
            if ((method.Attributes & MethodAttributes.Static) != 0) continue;
            if (method.DecodeSignature(SignatureTypeProvider.Instance, null).ParameterTypes.Length == 0) return true;
        }
        return false;
    }

    private static bool HasAttribute(MetadataReader reader, CustomAttributeHandleCollection attributes, string attributeTypeName) =>
        attributes.Any(h => MetadataNames.GetAttributeTypeName(reader, reader.GetCustomAttribute(h)) == attributeTypeName);

    private static string[] ParameterNames(MetadataReader reader, MethodDefinition method, int count)
    {
        var names = Enumerable.Range(1, count).Select(i => $"#{i}").ToArray();
        foreach (var handle in method.GetParameters())
        {
            var parameter = reader.GetParameter(handle);
            // Sequence 0 is the return value.
            if (parameter.SequenceNumber >= 1 && parameter.SequenceNumber <= count && !parameter.Name.IsNil)
                names[parameter.SequenceNumber - 1] = reader.GetString(parameter.Name);
        }
        return names;
    }

    private static string MethodHint(MetadataReader reader, TypeDefinition type, List<MethodDefinition> methods, string methodName)
    {
        // Only declared methods count; say so when the method is inherited from a base class in the same assembly.
        for (var baseType = type.BaseType; !baseType.IsNil && baseType.Kind == HandleKind.TypeDefinition;)
        {
            var definition = reader.GetTypeDefinition((TypeDefinitionHandle)baseType);
            var declared = definition.GetMethods().Select(reader.GetMethodDefinition)
                .Any(m => IsPublicOrdinaryMethod(m) && reader.GetString(m.Name) == methodName);
            if (declared)
                return $" It is inherited from '{MetadataNames.GetFullName(reader, (TypeDefinitionHandle)baseType)}'; an entry point must be declared on the type itself.";
            baseType = definition.BaseType;
        }

        var publicNames = methods.Where(IsPublicOrdinaryMethod)
            .Select(m => reader.GetString(m.Name))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        var sameIgnoringCase = publicNames.Where(n => string.Equals(n, methodName, StringComparison.OrdinalIgnoreCase) || IsTypo(n, methodName)).ToList();
        if (sameIgnoringCase.Count > 0)
            return $" Did you mean {string.Join(" or ", sameIgnoringCase.Select(n => $"'{n}'"))}?";
        if (publicNames.Count == 0)
            return " The type declares no public methods.";
        var listed = string.Join(", ", publicNames.Take(MaxListed));
        return $" Public methods declared on the type: {listed}{(publicNames.Count > MaxListed ? ", ..." : "")}.";
    }

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

    private static string SimpleName(string typeName)
    {
        var separator = typeName.LastIndexOfAny(new[] { '.', '+' });
        return separator < 0 ? typeName : typeName.Substring(separator + 1);
    }

    private static string StripArity(string typeName) => Regex.Replace(typeName, "`[0-9]+", "");
}
