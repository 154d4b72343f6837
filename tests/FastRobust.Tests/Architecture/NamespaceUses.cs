using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace FastRobust.Tests.Architecture;

/// <summary>One use of a type by a type: "FastRobust.Tensors.Backend uses FastRobust.Shifts.Generation.ICorruptionKernels".</summary>
public sealed record TypeUse(string UserNamespace, string User, string UsedNamespace, string Used);

/// <summary>
/// Reads which types each type of a compiled assembly uses, from its metadata (System.Reflection.Metadata): base
/// types and interfaces, generic constraints, field, method and local-variable signatures, attributes, and every
/// type, method and field token in the method bodies. Compiler-generated nested types (lambdas' closures, iterators,
/// async state machines) count as their outermost type. What leaves no trace in the compiled code is not seen:
/// constants (an enum member becomes its number), <c>nameof</c>, and doc comments.
/// </summary>
public static class NamespaceUses
{
    public static List<TypeUse> Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var uses = new List<TypeUse>();
        foreach (var handle in md.TypeDefinitions)
        {
            var (userNs, user) = Name(md, handle);
            if (user == "<Module>") continue;
            var seen = new Collector(md);
            var type = md.GetTypeDefinition(handle);
            seen.Entity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) seen.Entity(md.GetInterfaceImplementation(i).Interface);
            seen.GenericParameters(type.GetGenericParameters());
            seen.Attributes(type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                field.DecodeSignature(seen, null);
                seen.Attributes(field.GetCustomAttributes());
            }
            foreach (var m in type.GetMethods())
            {
                var method = md.GetMethodDefinition(m);
                method.DecodeSignature(seen, null);
                seen.GenericParameters(method.GetGenericParameters());
                seen.Attributes(method.GetCustomAttributes());
                if (method.RelativeVirtualAddress != 0) seen.Body(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
            foreach (var p in type.GetProperties()) seen.Attributes(md.GetPropertyDefinition(p).GetCustomAttributes());
            foreach (var (ns, name) in seen.Types.Distinct())
                if (name != user) uses.Add(new TypeUse(userNs, user, ns, name));
        }
        return uses;
    }

    /// <summary>Namespace and full name of a type definition, nested types counted as their outermost type.</summary>
    private static (string Ns, string Name) Name(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        while (type.IsNested) type = md.GetTypeDefinition(type.GetDeclaringType());
        string ns = md.GetString(type.Namespace);
        return (ns, ns.Length > 0 ? ns + "." + md.GetString(type.Name) : md.GetString(type.Name));
    }

    private static (string Ns, string Name) Name(MetadataReader md, TypeReferenceHandle handle)
    {
        var type = md.GetTypeReference(handle);
        while (type.ResolutionScope.Kind == HandleKind.TypeReference) type = md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
        string ns = md.GetString(type.Namespace);
        return (ns, ns.Length > 0 ? ns + "." + md.GetString(type.Name) : md.GetString(type.Name));
    }

    /// <summary>Operand sizes of the IL opcodes, from the runtime's own table (System.Reflection.Emit.OpCodes).</summary>
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Collects the types a signature, attribute or method body names (the signature provider's result is unused).</summary>
    private sealed class Collector(MetadataReader md) : ISignatureTypeProvider<bool, object?>
    {
        public List<(string Ns, string Name)> Types { get; } = [];

        public void Entity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Types.Add(Name(md, (TypeDefinitionHandle)handle));
                    break;
                case HandleKind.TypeReference:
                    Types.Add(Name(md, (TypeReferenceHandle)handle));
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    Types.Add(Name(md, md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.FieldDefinition:
                    Types.Add(Name(md, md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
            }
        }

        public void GenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var p in parameters)
                foreach (var c in md.GetGenericParameter(p).GetConstraints())
                    Entity(md.GetGenericParameterConstraint(c).Type);
        }

        public void Attributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes) Entity(md.GetCustomAttribute(a).Constructor);
        }

        public void Body(MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil) md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE) code = (short)(0xFE00 | il.ReadByte());
                switch (Operands[code])
                {
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineType:
                    case OperandType.InlineTok:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        int targets = il.ReadInt32(); // read before the offset moves past them
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget:
                    case OperandType.ShortInlineI:
                    case OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8:
                    case OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                        il.Offset += 4;
                        break;
                }
            }
        }

        public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Types.Add(Name(md, handle));
            return true;
        }

        public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            Types.Add(Name(md, handle));
            return true;
        }

        public bool GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            Entity(handle);
            return true;
        }

        public bool GetArrayType(bool elementType, ArrayShape shape) => true;
        public bool GetByReferenceType(bool elementType) => true;
        public bool GetFunctionPointerType(MethodSignature<bool> signature) => true;
        public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => true;
        public bool GetGenericMethodParameter(object? context, int index) => true;
        public bool GetGenericTypeParameter(object? context, int index) => true;
        public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => true;
        public bool GetPinnedType(bool elementType) => true;
        public bool GetPointerType(bool elementType) => true;
        public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => true;
        public bool GetSZArrayType(bool elementType) => true;
    }
}
