namespace FunctionPackage.Host;

/// <summary>
/// A function that cannot be loaded or bound. <see cref="Code"/> is one of <see cref="HostErrorCodes"/>;
/// the message names the fix. The host prints it and exits with <see cref="ExitCodes.LoadFailed"/>.
/// </summary>
public sealed class FunctionHostException : Exception
{
    public FunctionHostException(string code, string message, Exception? inner = null)
        : base($"{code}: {message}", inner)
    {
        Code = code;
    }

    public string Code { get; }
}

/// <summary>
/// Host diagnostics, range FPKG4xxx (FPKG1xxx entry point and FPKG2xxx packaging belong to the SDK). Their messages and
/// exit codes: <see cref="HostDiagnostics"/>.
/// </summary>
public static class HostErrorCodes
{
    /// <summary>The installed function folder or its function.json is missing.</summary>
    public const string FunctionNotInstalled = "FPKG4001";
    /// <summary>function.json is not a schema 1 "dotnet" manifest.</summary>
    public const string ManifestInvalid = "FPKG4002";
    /// <summary>The entry assembly named by the manifest is not under function/.</summary>
    public const string EntryAssemblyMissing = "FPKG4003";
    /// <summary>The function needs a runtime or shared framework this host does not provide.</summary>
    public const string FrameworkNotSupported = "FPKG4004";
    /// <summary>The entry assembly failed to load (bad image, missing dependency).</summary>
    public const string EntryAssemblyLoadFailed = "FPKG4005";
    /// <summary>The entry type is not in the entry assembly.</summary>
    public const string EntryTypeNotFound = "FPKG4006";
    /// <summary>No single public method of that name on the entry type.</summary>
    public const string EntryMethodNotFound = "FPKG4007";
    /// <summary>The entry method's parameters or return type are not a supported shape.</summary>
    public const string UnsupportedSignature = "FPKG4008";
    /// <summary>An instance entry method whose type has no usable public parameterless constructor, or it threw.</summary>
    public const string ConstructorFailed = "FPKG4009";
    /// <summary>The function's CloudEvent type is not the host's (it was loaded from another copy).</summary>
    public const string SharedTypeMismatch = "FPKG4010";

    // 401x-404x: faults of one request (problem details with a "code" member), not load failures.
    /// <summary>The body's charset is not UTF-8 (415).</summary>
    public const string UnsupportedCharset = "FPKG4011";
    /// <summary>An <c>application/cloudevents+&lt;format&gt;</c> other than JSON (415).</summary>
    public const string UnsupportedEventFormat = "FPKG4012";
    /// <summary>--max-concurrent-invocations are already running (503 with Retry-After).</summary>
    public const string TooManyInvocations = "FPKG4013";
    /// <summary>The invocation exceeded --invocation-timeout (504; invoke exit code 5).</summary>
    public const string InvocationTimedOut = "FPKG4014";

    // 405x: startup and input errors of the host process itself.
    /// <summary>The event data cannot be bound to the function's input: not valid JSON, none for a POCO (400; invoke exit code 2).</summary>
    public const string InvalidEventData = "FPKG4050";
    /// <summary>A <c>--urls</c> entry is not an http:// or https:// address (usage error, exit code 1).</summary>
    public const string InvalidUrls = "FPKG4051";
    /// <summary>Kestrel cannot listen on a <c>--urls</c> address: in use, not local, no permission (exit code 3).</summary>
    public const string CannotListen = "FPKG4052";

    // 410x-414x: invocation front ends.
    /// <summary>invoke: <c>--type</c> or <c>--source</c> is not a valid CloudEvents attribute value (exit code 2).</summary>
    public const string InvalidEventAttribute = "FPKG4100";
    /// <summary>serve in a container: <c>PORT</c> is not a port number 1-65535 (exit code 3).</summary>
    public const string InvalidPort = "FPKG4101";
    /// <summary>A numeric option out of its range: <c>--invocation-timeout</c>, <c>--max-concurrent-invocations</c>, <c>--max-request-body-bytes</c> (usage error, exit code 1).</summary>
    public const string OptionOutOfRange = "FPKG4102";

    // 415x-419x: vendor protocols (Protocols/<Name>/).
    /// <summary><c>serve --protocol</c> names no protocol the host speaks (usage error, exit code 1).</summary>
    public const string UnknownProtocol = "FPKG4150";
    /// <summary>aws-lambda: <c>AWS_LAMBDA_RUNTIME_API</c> is unset or not host:port (exit code 3).</summary>
    public const string LambdaRuntimeApiNotSet = "FPKG4151";
    /// <summary>aws-lambda: the Runtime API is unreachable or answered out of contract (exit code 3; a refused answer is logged and the loop goes on).</summary>
    public const string LambdaRuntimeApiFailed = "FPKG4152";
    /// <summary>aws-lambda: the invocation passed its <c>Lambda-Runtime-Deadline-Ms</c> (posted as the invocation's error).</summary>
    public const string LambdaDeadlineExceeded = "FPKG4153";

    // 4250-4299: the OpenWhisk action proxy (Protocols/OpenWhiskActionProxy): each answered 502 {"error": …}, none ends the host.
    /// <summary>openwhisk: a second <c>/init</c> (the contract allows one per container).</summary>
    public const string OpenWhiskAlreadyInitialized = "FPKG4250";
    /// <summary>openwhisk: <c>/run</c> before a successful <c>/init</c>.</summary>
    public const string OpenWhiskNotInitialized = "FPKG4251";
    /// <summary>openwhisk: the <c>/init</c> or <c>/run</c> body is not a JSON object (or init's value is not one).</summary>
    public const string OpenWhiskInvalidBody = "FPKG4252";
    /// <summary>openwhisk: <c>/init</c> carries code; the image runs the function package built into it.</summary>
    public const string OpenWhiskCodeNotAccepted = "FPKG4253";
    /// <summary>openwhisk: the function's result is not a JSON object (or is null).</summary>
    public const string OpenWhiskResultNotObject = "FPKG4254";
    /// <summary>openwhisk: the activation passed its <c>deadline</c>.</summary>
    public const string OpenWhiskDeadlineExceeded = "FPKG4255";
    // 420x-424x: the Azure Functions custom handler (Protocols/AzureCustomHandler/).
    /// <summary>azure-functions: <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is unset or not a port number 1-65535 (exit code 3).</summary>
    public const string AzurePortNotSet = "FPKG4200";
    /// <summary>azure-functions: the app root has no host.json, no <c>&lt;Name&gt;/function.json</c>, or one the handler cannot read (exit code 3).</summary>
    public const string AzureAppInvalid = "FPKG4201";
    /// <summary>azure-functions: a <c>POST /&lt;Name&gt;</c> body is not an invocation request holding the trigger's value (answered 400).</summary>
    public const string AzureInvocationInvalid = "FPKG4202";
    /// <summary>Started with no arguments: the launch file beside the host is not valid (exit code 1).</summary>
    public const string LaunchFileInvalid = "FPKG4160";
}

/// <summary>Process exit codes of the host (documented in docs/host.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Command-line usage error (System.CommandLine's own code).</summary>
    public const int Usage = 1;
    /// <summary>invoke: the event or its data could not be bound to the function's input.</summary>
    public const int BadInput = 2;
    /// <summary>The function could not be loaded or bound, or serve could not listen (an FPKG4xxx error was printed).</summary>
    public const int LoadFailed = 3;
    /// <summary>invoke: the function threw.</summary>
    public const int FunctionFailed = 4;
    /// <summary>invoke: the invocation timed out.</summary>
    public const int Timeout = 5;
}
