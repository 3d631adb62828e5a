using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

using FunctionPackage.EntryPoints;
using FunctionPackage.Model;

namespace FunctionPackage.Host;

/// <summary>
/// Binds events to a function's entry method. The call is a compiled expression (no reflection per call,
/// no TargetInvocationException wrapping); async results are awaited through small generic helpers, so a
/// synchronously completed handler costs no Task allocation.
/// </summary>
public sealed class FunctionInvoker : IDisposable
{
    private readonly Func<object?, object?, CancellationToken, ValueTask<object?>> _call;
    private readonly object? _instance;
    private readonly JsonTypeInfo? _inputTypeInfo;
    private readonly JsonTypeInfo? _resultTypeInfo;
    private readonly JsonEventFormatter _formatter;

    private FunctionInvoker(MethodInfo method, object? instance, EntryPointInputKind inputKind, Type? inputType, bool takesCancellation,
        EntryPointResultKind resultKind, Type? resultType, Func<object?, object?, CancellationToken, ValueTask<object?>> call)
    {
        Method = method;
        _instance = instance;
        InputKind = inputKind;
        InputType = inputType;
        TakesCancellation = takesCancellation;
        ResultKind = resultKind;
        ResultType = resultType;
        _call = call;

        // One options instance per function: its metadata cache holds the function's types, so it goes with the load context.
        SerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        SerializerOptions.MakeReadOnly(populateMissingResolver: true);
        _formatter = new JsonEventFormatter(SerializerOptions, default);
        if (inputKind == EntryPointInputKind.Poco) _inputTypeInfo = SerializerOptions.GetTypeInfo(inputType!);
        if (resultType is not null) _resultTypeInfo = SerializerOptions.GetTypeInfo(resultType);
    }

    public MethodInfo Method { get; }
    public EntryPointInputKind InputKind { get; }
    /// <summary>The input parameter type, or null for <see cref="EntryPointInputKind.None"/>.</summary>
    public Type? InputType { get; }
    public bool TakesCancellation { get; }
    public EntryPointResultKind ResultKind { get; }
    /// <summary>The type serialized as the result (T of Task&lt;T&gt;), or null when the function returns nothing.</summary>
    public Type? ResultType { get; }
    public bool HasResult => ResultType is not null;
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>The call shape, the same record the SDK's build-time validation produces.</summary>
    public EntryPointShape Shape => new(Method.IsStatic, InputKind, TakesCancellation, ResultKind);

    /// <summary>Finds and classifies the entry point with the shared rules (the same verdicts as the SDK's build-time check).</summary>
    /// <remarks><paramref name="recordedShape"/> is function.json's <c>entryPoint.shape</c>, when the package records one: a
    /// different shape here means the package's assembly is not what was validated (FPKG1050).</remarks>
    /// <exception cref="FunctionHostException">The type or method is missing or not a supported shape.</exception>
    public static FunctionInvoker Create(Assembly assembly, string typeName, string methodName, string? recordedShape = null)
    {
        var verdict = EntryPointRules.Resolve(new ReflectionEntryAssembly(assembly), $"{typeName}::{methodName}");
        if (verdict.Diagnostic is { } refused) throw Refused(refused);
        var shape = verdict.Resolution!.Shape;
        if (recordedShape is not null && recordedShape != shape.ToString())
        {
            throw new FunctionHostException(EntryPointCodes.ShapeMismatch,
                EntryPointMessages.Format(EntryPointCodes.ShapeMismatch, verdict.Resolution.Reference, recordedShape, shape));
        }
        return Bind((MethodInfo)verdict.Method!.Origin!, shape);
    }

    /// <exception cref="FunctionHostException">The method is not a supported entry point shape.</exception>
    public static FunctionInvoker Create(MethodInfo method)
    {
        var type = method.DeclaringType!;
        var verdict = EntryPointRules.Validate(new ReflectionEntryAssembly(type.Assembly).ModelOf(type), method.Name);
        if (verdict.Diagnostic is { } refused) throw Refused(refused);
        return Bind(method, verdict.Resolution!.Shape);
    }

    /// <summary>
    /// The host's code for a refusal of the shared rules: the load-time codes the host always used where one covers the
    /// problem, the rules' own code otherwise (FPKG1003: no host code ever covered the type itself). The message is the
    /// rules' (it names the fix), plus the code the SDK reports at build time.
    /// </summary>
    private static FunctionHostException Refused(EntryPointDiagnostic diagnostic)
    {
        var code = diagnostic.Problem switch
        {
            EntryPointProblem.Malformed or EntryPointProblem.TypeNotFound => HostErrorCodes.EntryTypeNotFound,
            EntryPointProblem.MethodNotFound or EntryPointProblem.MethodNotPublic or EntryPointProblem.MethodOverloaded
                or EntryPointProblem.NotDiscovered or EntryPointProblem.Ambiguous => HostErrorCodes.EntryMethodNotFound,
            EntryPointProblem.MethodGeneric or EntryPointProblem.AsyncVoid or EntryPointProblem.UnsupportedSignature => HostErrorCodes.UnsupportedSignature,
            EntryPointProblem.NoConstructor => HostErrorCodes.ConstructorFailed,
            _ => diagnostic.Code,
        };
        var message = code == diagnostic.Code ? diagnostic.Message : $"{diagnostic.Message} (The SDK reports this as {diagnostic.Code} when it builds the package; repackage after the fix.)";
        return new FunctionHostException(code, message);
    }

    /// <summary>Prepares the call for a method the rules accepted with <paramref name="shape"/>.</summary>
    private static FunctionInvoker Bind(MethodInfo method, EntryPointShape shape)
    {
        var type = method.DeclaringType!;
        var parameters = method.GetParameters();
        var inputType = shape.Input == EntryPointInputKind.None ? null : parameters[0].ParameterType;
        var inputKind = ClassifyInput(inputType, shape.Input, $"{type.FullName}::{method.Name}");
        var takesCancellation = shape.HasCancellationToken;
        var resultKind = shape.Result;
        var resultType = ClassifyResult(method.ReturnType, resultKind);

        object? instance = null;
        if (!method.IsStatic)
        {
            // The rules checked that a public parameterless constructor exists; here it runs, and may throw.
            try
            {
                instance = Activator.CreateInstance(type);
            }
            catch (TargetInvocationException ex)
            {
                throw new FunctionHostException(HostErrorCodes.ConstructorFailed,
                    $"The constructor of '{type.FullName}' threw {ex.InnerException?.GetType().FullName}: {ex.InnerException?.Message}", ex.InnerException);
            }
        }

        var call = Compile(method, inputType, takesCancellation, resultKind, resultType);
        return new FunctionInvoker(method, instance, inputKind, inputType, takesCancellation, resultKind, resultType, call);
    }

    /// <summary>Binds the event to the input parameter and calls the function.</summary>
    /// <exception cref="FunctionInputException">The event cannot be bound (raised before the function runs).</exception>
    public ValueTask<object?> InvokeAsync(FunctionEvent functionEvent, CancellationToken cancellationToken)
    {
        var input = InputKind == EntryPointInputKind.None ? null : BindInput(functionEvent);
        return _call(_instance, input, cancellationToken);
    }

    /// <summary>UTF-8 JSON of a result (web defaults). Only meaningful when <see cref="HasResult"/>.</summary>
    public byte[] SerializeResult(object? result)
        => _resultTypeInfo is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(result, _resultTypeInfo);

    private object? BindInput(FunctionEvent functionEvent)
    {
        var body = functionEvent.Body;
        try
        {
            switch (InputKind)
            {
                case EntryPointInputKind.CloudEvent:
                    var cloudEvent = functionEvent.CloudEvent;
                    if (body is { } raw && cloudEvent.Data is null && raw.Length > 0)
                    {
                        _formatter.DecodeBinaryModeEventData(raw, cloudEvent);
                    }
                    return cloudEvent;

                case EntryPointInputKind.Bytes:
                    if (body is { } bytes) return bytes.ToArray();
                    return functionEvent.CloudEvent.Data switch
                    {
                        null => Array.Empty<byte>(),
                        byte[] b => b,
                        string s => Encoding.UTF8.GetBytes(s),
                        JsonElement e => Encoding.UTF8.GetBytes(e.GetRawText()),
                        var other => throw new FunctionInputException($"Event data of type {other.GetType().Name} cannot be passed as byte[].", ExpectedData),
                    };

                case EntryPointInputKind.String:
                    if (body is { } text) return BodyToString(text.Span, functionEvent.DataContentType);
                    return functionEvent.CloudEvent.Data switch
                    {
                        null => "",
                        string s => s,
                        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                        JsonElement e => e.GetRawText(),
                        byte[] b => Encoding.UTF8.GetString(b),
                        var other => throw new FunctionInputException($"Event data of type {other.GetType().Name} cannot be passed as a string.", ExpectedData),
                    };

                default: // Poco
                    if (body is { } json)
                    {
                        if (json.IsEmpty) throw NoData();
                        return JsonSerializer.Deserialize(json.Span, _inputTypeInfo!);
                    }
                    return functionEvent.CloudEvent.Data switch
                    {
                        null => throw NoData(),
                        JsonElement e => e.Deserialize(_inputTypeInfo!),
                        string s => JsonSerializer.Deserialize(s, _inputTypeInfo!),
                        byte[] b => JsonSerializer.Deserialize(b, _inputTypeInfo!),
                        var other => throw new FunctionInputException($"Event data of type {other.GetType().Name} cannot be deserialized.", ExpectedData),
                    };
            }
        }
        catch (JsonException ex)
        {
            // A CloudEvent input is the event itself: only its data, decoded per its media type, can be invalid.
            var what = InputKind == EntryPointInputKind.CloudEvent ? $"({functionEvent.DataContentType})" : $"for {InputType!.Name}";
            throw new FunctionInputException($"The event data is not valid JSON {what}: {ex.Message}", ExpectedData, ex);
        }
        catch (ArgumentException ex)
        {
            throw new FunctionInputException($"The event data cannot be decoded: {ex.Message}", ExpectedData, ex);
        }
    }

    private FunctionInputException NoData()
        => new($"The event has no data; the function expects a JSON {InputType!.Name}.", ExpectedData);

    /// <summary>What event data this function's input binds from, as the fix of a <see cref="FunctionInputException"/>.</summary>
    private string ExpectedData => InputKind switch
    {
        EntryPointInputKind.Poco => $"JSON for {InputType!.Name}",
        EntryPointInputKind.Bytes => "the data as bytes or text",
        _ => "valid JSON",
    };

    private static string BodyToString(ReadOnlySpan<byte> body, string? contentType)
    {
        // JSON string data ("\"Ada\"") is unwrapped; anything else is the text itself.
        if (IsJsonMediaType(contentType))
        {
            var trimmed = body.TrimStart(" \t\r\n"u8);
            if (!trimmed.IsEmpty && trimmed[0] == (byte)'"') return JsonSerializer.Deserialize<string>(body) ?? "";
        }
        return Encoding.UTF8.GetString(body);
    }

    /// <summary>Absent, <c>application/json</c> or any <c>+json</c> media type (as the CloudEvents JSON format treats them).</summary>
    internal static bool IsJsonMediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return true;
        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0) mediaType = mediaType[..semicolon];
        mediaType = mediaType.Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The rules classify by name; the host also needs a CloudEvent input to be its own copy of the type.</summary>
    private static EntryPointInputKind ClassifyInput(Type? inputType, EntryPointInputKind kind, string name)
    {
        if (kind == EntryPointInputKind.CloudEvent && inputType != typeof(CloudEvent))
        {
            throw new FunctionHostException(HostErrorCodes.SharedTypeMismatch,
                $"'{name}' takes a CloudEvent from '{inputType!.Assembly.Location}', not the host's copy. Reference CloudNative.CloudEvents {typeof(CloudEvent).Assembly.GetName().Version} or lower.");
        }
        return kind;
    }

    /// <summary>The type serialized as the result: T of Task&lt;T&gt;/ValueTask&lt;T&gt;, the return type of a value, else none.</summary>
    private static Type? ClassifyResult(Type returnType, EntryPointResultKind kind) => kind switch
    {
        EntryPointResultKind.TaskOfT or EntryPointResultKind.ValueTaskOfT => returnType.GetGenericArguments()[0],
        EntryPointResultKind.Value => returnType,
        _ => null,
    };

    /// <summary>Builds <c>(instance, input, token) =&gt; Adapt(((T)instance).Method((TIn)input, token))</c>.</summary>
    private static Func<object?, object?, CancellationToken, ValueTask<object?>> Compile(
        MethodInfo method, Type? inputType, bool takesCancellation, EntryPointResultKind resultKind, Type? resultType)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var input = Expression.Parameter(typeof(object), "input");
        var token = Expression.Parameter(typeof(CancellationToken), "cancellationToken");

        var arguments = new List<Expression>();
        if (inputType is not null) arguments.Add(Expression.Convert(input, inputType));
        if (takesCancellation) arguments.Add(token);
        Expression call = method.IsStatic
            ? Expression.Call(method, arguments)
            : Expression.Call(Expression.Convert(instance, method.DeclaringType!), method, arguments);

        Expression body = resultKind switch
        {
            EntryPointResultKind.Void => Expression.Block(call, Expression.Default(typeof(ValueTask<object?>))),
            EntryPointResultKind.Value => Expression.New(
                typeof(ValueTask<object?>).GetConstructor(new[] { typeof(object) })!, Expression.Convert(call, typeof(object))),
            EntryPointResultKind.Task => Expression.Call(Adapter(nameof(FromTask)), call),
            EntryPointResultKind.ValueTask => Expression.Call(Adapter(nameof(FromValueTask)), call),
            EntryPointResultKind.TaskOfT => Expression.Call(Adapter(nameof(FromTaskOfT)).MakeGenericMethod(resultType!), call),
            _ => Expression.Call(Adapter(nameof(FromValueTaskOfT)).MakeGenericMethod(resultType!), call),
        };
        return Expression.Lambda<Func<object?, object?, CancellationToken, ValueTask<object?>>>(body, instance, input, token).Compile();
    }

    private static MethodInfo Adapter(string name) => typeof(FunctionInvoker).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static ValueTask<object?> FromTask(Task task)
    {
        if (task.IsCompletedSuccessfully) return default;
        return Await(task);
        static async ValueTask<object?> Await(Task task) { await task.ConfigureAwait(false); return null; }
    }

    private static ValueTask<object?> FromValueTask(ValueTask task)
    {
        if (task.IsCompletedSuccessfully) { task.GetAwaiter().GetResult(); return default; }
        return Await(task);
        static async ValueTask<object?> Await(ValueTask task) { await task.ConfigureAwait(false); return null; }
    }

    private static ValueTask<object?> FromTaskOfT<T>(Task<T> task)
    {
        if (task.IsCompletedSuccessfully) return new ValueTask<object?>(task.Result);
        return Await(task);
        static async ValueTask<object?> Await(Task<T> task) => await task.ConfigureAwait(false);
    }

    private static ValueTask<object?> FromValueTaskOfT<T>(ValueTask<T> task)
    {
        if (task.IsCompletedSuccessfully) return new ValueTask<object?>(task.Result);
        return Await(task);
        static async ValueTask<object?> Await(ValueTask<T> task) => await task.ConfigureAwait(false);
    }

    public void Dispose()
    {
        switch (_instance)
        {
            case IAsyncDisposable asyncDisposable: asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult(); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }
}
