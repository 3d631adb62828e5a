using System.Reflection;
using System.Reflection.Metadata;
using FunctionPackage.EntryPoints;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>
/// The rules' view of a built assembly, read from its metadata (the SDK task's front end). Types and methods are
/// modelled on demand; signatures are decoded only for the method the rules check.
/// </summary>
internal sealed class MetadataEntryAssembly : EntryAssemblyModel
{
    private const string AsyncStateMachineAttributeName = "System.Runtime.CompilerServices.AsyncStateMachineAttribute";

    private readonly MetadataReader _reader;
    private readonly SignatureTypeProvider _provider;
    private readonly Dictionary<TypeDefinitionHandle, EntryTypeModel> _types = new();

    public MetadataEntryAssembly(MetadataReader reader, string fileName, ReferencedTypes referencedTypes)
    {
        _reader = reader;
        FileName = fileName;
        _provider = new SignatureTypeProvider(referencedTypes);
    }

    public override string FileName { get; }

    public override IEnumerable<EntryTypeModel> Types() =>
        _reader.TypeDefinitions.Where(h => !IsCompilerGenerated(h)).Select(Model);

    private bool IsCompilerGenerated(TypeDefinitionHandle handle) => MetadataNames.GetFullName(_reader, handle) is var name && (name == "<Module>" || name.Contains('<'));

    private EntryTypeModel Model(TypeDefinitionHandle handle)
    {
        if (_types.TryGetValue(handle, out var model)) return model;
        var type = _reader.GetTypeDefinition(handle);
        var attributes = type.Attributes;
        var declaring = type.GetDeclaringType();
        model = new EntryTypeModel(
            MetadataNames.GetFullName(_reader, handle),
            TypeTraitsReader.Category(_reader, type),
            Access(attributes),
            declaring.IsNil ? null : Model(declaring),
            isAbstract: (attributes & TypeAttributes.Abstract) != 0,
            isSealed: (attributes & TypeAttributes.Sealed) != 0,
            // Nested types of a generic type repeat its parameters, so this covers "nested in a generic type" too.
            isGeneric: type.GetGenericParameters().Count > 0,
            methods: () => type.GetMethods().Select(Model).ToList(),
            hasPublicParameterlessConstructor: () => HasPublicParameterlessConstructor(type),
            baseType: () => type.BaseType.Kind == HandleKind.TypeDefinition ? Model((TypeDefinitionHandle)type.BaseType) : null,
            origin: handle);
        _types[handle] = model;
        return model;
    }

    private EntryMethodModel Model(MethodDefinitionHandle handle)
    {
        var method = _reader.GetMethodDefinition(handle);
        var attributes = method.Attributes;
        var header = _reader.GetBlobReader(method.Signature).ReadSignatureHeader();
        var isAsync = method.GetCustomAttributes().Any(h => MetadataNames.GetAttributeTypeName(_reader, _reader.GetCustomAttribute(h)) == AsyncStateMachineAttributeName);
        return new EntryMethodModel(
            _reader.GetString(method.Name),
            Access(attributes),
            isStatic: (attributes & MethodAttributes.Static) != 0,
            isGeneric: method.GetGenericParameters().Count > 0,
            isSpecialName: (attributes & (MethodAttributes.SpecialName | MethodAttributes.RTSpecialName)) != 0,
            isAsyncVoid: isAsync && Decode(method).ReturnType.Is("System.Void"),
            callingConvention: header.CallingConvention == SignatureCallingConvention.Default ? null : header.CallingConvention.ToString(),
            signature: () => Signature(method),
            origin: handle);
    }

    private MethodSignature<SignatureType> Decode(MethodDefinition method) => method.DecodeSignature(_provider, genericContext: null);

    private EntrySignature Signature(MethodDefinition method)
    {
        var signature = Decode(method);
        var names = ParameterNames(method, signature.ParameterTypes.Length);
        var parameters = signature.ParameterTypes.Select((type, i) => new EntryParameterModel(names[i], type)).ToList();
        return new EntrySignature(parameters, signature.ReturnType);
    }

    private string[] ParameterNames(MethodDefinition method, int count)
    {
        var names = Enumerable.Range(1, count).Select(i => $"#{i}").ToArray();
        foreach (var handle in method.GetParameters())
        {
            var parameter = _reader.GetParameter(handle);
            // Sequence 0 is the return value.
            if (parameter.SequenceNumber >= 1 && parameter.SequenceNumber <= count && !parameter.Name.IsNil)
                names[parameter.SequenceNumber - 1] = _reader.GetString(parameter.Name);
        }
        return names;
    }

    private bool HasPublicParameterlessConstructor(TypeDefinition type)
    {
        foreach (var handle in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(handle);
            if (_reader.GetString(method.Name) != ".ctor") continue;
            if ((method.Attributes & MethodAttributes.MemberAccessMask) != MethodAttributes.Public) continue;
            if ((method.Attributes & MethodAttributes.Static) != 0) continue;
            if (Decode(method).ParameterTypes.Length == 0) return true;
        }
        return false;
    }

    private static Access Access(TypeAttributes attributes) => (attributes & TypeAttributes.VisibilityMask) switch
    {
        TypeAttributes.Public or TypeAttributes.NestedPublic => FunctionPackage.EntryPoints.Access.Public,
        TypeAttributes.NestedPrivate => FunctionPackage.EntryPoints.Access.Private,
        TypeAttributes.NestedFamily => FunctionPackage.EntryPoints.Access.Protected,
        TypeAttributes.NestedFamANDAssem => FunctionPackage.EntryPoints.Access.PrivateProtected,
        TypeAttributes.NestedFamORAssem => FunctionPackage.EntryPoints.Access.ProtectedInternal,
        _ => FunctionPackage.EntryPoints.Access.Internal,
    };

    private static Access Access(MethodAttributes attributes) => (attributes & MethodAttributes.MemberAccessMask) switch
    {
        MethodAttributes.Public => FunctionPackage.EntryPoints.Access.Public,
        MethodAttributes.FamANDAssem => FunctionPackage.EntryPoints.Access.PrivateProtected,
        MethodAttributes.Assembly => FunctionPackage.EntryPoints.Access.Internal,
        MethodAttributes.Family => FunctionPackage.EntryPoints.Access.Protected,
        MethodAttributes.FamORAssem => FunctionPackage.EntryPoints.Access.ProtectedInternal,
        _ => FunctionPackage.EntryPoints.Access.Private,
    };
}
