using System.Collections.Immutable;
using System.Reflection.Metadata;
using FunctionPackage.EntryPoints;
using SignatureTypeKind = FunctionPackage.EntryPoints.SignatureTypeKind;

namespace FunctionPackage.Sdk.EntryPoints;

/// <summary>
/// Decodes method signatures into <see cref="SignatureType"/> without loading anything. Task, CancellationToken,
/// CloudEvent etc. are recognised by full name; a named type's traits (delegate? ref struct?) are looked up only
/// when the rules ask, from its definition or through <see cref="ReferencedTypes"/>.
/// </summary>
internal sealed class SignatureTypeProvider : ISignatureTypeProvider<SignatureType, object?>
{
    private const byte ValueTypeKind = 0x11; // SignatureTypeKind.ValueType in the signature blob

    private readonly ReferencedTypes _referencedTypes;

    public SignatureTypeProvider(ReferencedTypes referencedTypes) => _referencedTypes = referencedTypes;

    public SignatureType GetPrimitiveType(PrimitiveTypeCode typeCode) => SignatureType.Named(typeCode switch
    {
        PrimitiveTypeCode.Void => "System.Void",
        PrimitiveTypeCode.Boolean => "System.Boolean",
        PrimitiveTypeCode.Char => "System.Char",
        PrimitiveTypeCode.SByte => "System.SByte",
        PrimitiveTypeCode.Byte => "System.Byte",
        PrimitiveTypeCode.Int16 => "System.Int16",
        PrimitiveTypeCode.UInt16 => "System.UInt16",
        PrimitiveTypeCode.Int32 => "System.Int32",
        PrimitiveTypeCode.UInt32 => "System.UInt32",
        PrimitiveTypeCode.Int64 => "System.Int64",
        PrimitiveTypeCode.UInt64 => "System.UInt64",
        PrimitiveTypeCode.Single => "System.Single",
        PrimitiveTypeCode.Double => "System.Double",
        PrimitiveTypeCode.String => "System.String",
        PrimitiveTypeCode.TypedReference => "System.TypedReference",
        PrimitiveTypeCode.IntPtr => "System.IntPtr",
        PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
        PrimitiveTypeCode.Object => "System.Object",
        _ => typeCode.ToString(),
    });

    public SignatureType GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        SignatureType.Named(MetadataNames.GetFullName(reader, handle), () => TypeTraitsReader.Traits(reader, reader.GetTypeDefinition(handle)));

    public SignatureType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
        SignatureType.Named(MetadataNames.GetFullName(reader, handle), () => _referencedTypes.Traits(reader, handle, rawTypeKind == ValueTypeKind));

    public SignatureType GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public SignatureType GetSZArrayType(SignatureType elementType) => SignatureType.Wrap(SignatureTypeKind.SZArray, elementType);

    public SignatureType GetArrayType(SignatureType elementType, ArrayShape shape) => SignatureType.Wrap(SignatureTypeKind.Array, elementType);

    public SignatureType GetByReferenceType(SignatureType elementType) => SignatureType.Wrap(SignatureTypeKind.ByReference, elementType);

    public SignatureType GetPointerType(SignatureType elementType) => SignatureType.Wrap(SignatureTypeKind.Pointer, elementType);

    public SignatureType GetGenericInstantiation(SignatureType genericType, ImmutableArray<SignatureType> typeArguments) =>
        SignatureType.Generic(genericType, typeArguments.ToArray());

    public SignatureType GetFunctionPointerType(MethodSignature<SignatureType> signature) =>
        SignatureType.Other(SignatureTypeKind.FunctionPointer, "delegate*");

    public SignatureType GetGenericMethodParameter(object? genericContext, int index) =>
        SignatureType.Other(SignatureTypeKind.GenericParameter, "!!" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public SignatureType GetGenericTypeParameter(object? genericContext, int index) =>
        SignatureType.Other(SignatureTypeKind.GenericParameter, "!" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // Custom modifiers (modreq(InAttribute) on 'in' parameters, volatile, ...) do not change what the type is.
    public SignatureType GetModifiedType(SignatureType modifier, SignatureType unmodifiedType, bool isRequired) => unmodifiedType;

    public SignatureType GetPinnedType(SignatureType elementType) => elementType;
}
