using System.Reflection;
using System.Reflection.Emit;

namespace FunctionPackage.Sdk.Tests.EntryPoints;

/// <summary>
/// Writes small assemblies with PersistedAssemblyBuilder, for cases the test assembly itself cannot provide:
/// discovery over an exact set of types, and IL that C# will not compile (pointers without unsafe, an
/// instance method on a static class, vararg).
/// </summary>
internal sealed class EmittedAssembly
{
    private readonly PersistedAssemblyBuilder assembly;
    private readonly ModuleBuilder module;
    private readonly List<TypeBuilder> types = new();

    public EmittedAssembly(string name)
    {
        Name = name;
        assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        module = assembly.DefineDynamicModule(name);
    }

    public string Name { get; }

    public const TypeAttributes PublicClass = TypeAttributes.Public | TypeAttributes.Class;
    public const TypeAttributes StaticClass = TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Abstract | TypeAttributes.Sealed;
    public const MethodAttributes PublicStatic = MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig;
    public const MethodAttributes PublicInstance = MethodAttributes.Public | MethodAttributes.HideBySig;

    /// <summary>Defines a type; classes that are not static get a public parameterless constructor.</summary>
    public TypeBuilder Type(string fullName, TypeAttributes attributes = PublicClass)
    {
        var type = module.DefineType(fullName, attributes);
        AddConstructorUnlessStatic(type, attributes);
        types.Add(type);
        return type;
    }

    public TypeBuilder Nested(TypeBuilder declaring, string name, TypeAttributes attributes)
    {
        var type = declaring.DefineNestedType(name, attributes);
        AddConstructorUnlessStatic(type, attributes);
        types.Add(type);
        return type;
    }

    /// <summary>Defines a method whose body is <c>throw null</c> (valid IL for any signature; never run).</summary>
    public static MethodBuilder Method(TypeBuilder type, string name, MethodAttributes attributes, Type returnType, params Type[] parameters)
    {
        var method = type.DefineMethod(name, attributes, returnType, parameters);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Throw);
        return method;
    }

    public static MethodBuilder VarArgMethod(TypeBuilder type, string name)
    {
        var method = type.DefineMethod(name, PublicStatic, CallingConventions.VarArgs, typeof(void), System.Type.EmptyTypes);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ret);
        return method;
    }

    /// <summary>Creates all types (declaring types first) and saves the assembly as <c>&lt;Name&gt;.dll</c> in <paramref name="directory"/>.</summary>
    public string Save(string directory)
    {
        foreach (var type in types) type.CreateType();
        var path = Path.Combine(directory, Name + ".dll");
        assembly.Save(path);
        return path;
    }

    private static void AddConstructorUnlessStatic(TypeBuilder type, TypeAttributes attributes)
    {
        var isStatic = (attributes & (TypeAttributes.Abstract | TypeAttributes.Sealed)) == (TypeAttributes.Abstract | TypeAttributes.Sealed);
        if (!isStatic && (attributes & TypeAttributes.Interface) == 0)
            type.DefineDefaultConstructor(MethodAttributes.Public);
    }
}

/// <summary>A fresh temp folder per test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fpkg-entrypoint-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
