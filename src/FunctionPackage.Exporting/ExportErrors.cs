using FunctionPackage.Installing.Diagnostics;

namespace FunctionPackage.Exporting;

/// <summary>Every FPKG7xxx code of the exporter (70xx: common and oci; each target its own block) and its message (docs/export.md has the same table); each message names the fix.</summary>
public static class ExportErrors
{
    public const string UnknownTarget = "FPKG7000";
    public const string NoDestination = "FPKG7001";
    public const string InvalidEnvironment = "FPKG7002";
    public const string PlatformMismatch = "FPKG7003";
    public const string BaseImageLacksFramework = "FPKG7004";
    public const string InvalidPlatform = "FPKG7005";
    public const string OptionNotForTarget = "FPKG7006";
    // 7200-7249: the openwhisk target (Targets/OpenWhisk).
    public const string OpenWhiskReservedVariable = "FPKG7200";
    public const string OpenWhiskInvalidActionName = "FPKG7201";

    public static IReadOnlyList<string> All { get; } = new[]
    {
        UnknownTarget, NoDestination, InvalidEnvironment, PlatformMismatch, BaseImageLacksFramework, InvalidPlatform, OptionNotForTarget,
        LambdaUsage, LambdaOutput, LambdaTooLarge, LambdaPlatform, LambdaFramework,
        SelfContainedRuntimeIdentifier, RuntimeVersionNotPinned, RuntimePackMissing, RuntimePackHash,
        OpenWhiskReservedVariable, OpenWhiskInvalidActionName,
        AzureInvalidTrigger, AzureInvalidFunctionName, AzureTriggerOptionMismatch, AzureInvalidValue, AzureOutputNotEmpty, AzureFrameworkDependentRuntime, AzureNoOutput, AzurePlatform, AzureFramework,
    };

    public static FunctionPackageException Unknown(string target, IEnumerable<string> known) =>
        new(UnknownTarget, $"unknown export target '{target}'. Pass --target with one of: {string.Join(", ", known)}.");

    public static FunctionPackageException NotForTarget(string option, string target, IEnumerable<string> takers) =>
        new(OptionNotForTarget, $"{option} does not apply to --target {target} (it is an option of: {string.Join(", ", takers)}). Remove it, or pass the --target it belongs to.");

    public static FunctionPackageException Destination(string problem) =>
        new(NoDestination, $"{problem}. Pass exactly one of --image <registry/repository:tag> (push) or --output <file.tar> (an OCI layout tar).");

    public static FunctionPackageException Environment(string where, string entry) =>
        new(InvalidEnvironment, $"{where}: '{entry}' is not NAME=value with a name of letters, digits and '_' not starting with a digit. Write it as NAME=value.");

    public static FunctionPackageException EnvironmentFileMissing(string file) =>
        new(InvalidEnvironment, $"--env-file {file} does not exist. Pass the path of a file of NAME=value lines.");

    public static FunctionPackageException Platform(string platform, string imageRid, FunctionPackageException inner) =>
        new(PlatformMismatch, $"the image's platform {platform} ({imageRid}) cannot run this package ({inner.Message}). Export with the --platform the package was built for, or rebuild the package without a RuntimeIdentifier (or for {imageRid}).", inner);

    public static FunctionPackageException Framework(string baseImage, string frameworks, FunctionPackageException inner) =>
        new(BaseImageLacksFramework, $"the base image {baseImage} (shared frameworks: {frameworks}) cannot run the function host and this function ({inner.Message}). Pass a --base-image that has Microsoft.NETCore.App and Microsoft.AspNetCore.App of that version (e.g. mcr.microsoft.com/dotnet/aspnet:<major>.0).", inner);

    public static FunctionPackageException BadPlatform(string value) =>
        new(InvalidPlatform, $"--platform '{value}' is not os/architecture[/variant] for Linux (e.g. linux/amd64, linux/arm64). Pass one of those.");

    // FPKG7100–7149: the aws-lambda target and the self-contained host from runtime packs (Runtime/SelfContainedHost).
    public const string LambdaUsage = "FPKG7100";
    public const string LambdaOutput = "FPKG7101";
    public const string LambdaTooLarge = "FPKG7102";
    public const string LambdaPlatform = "FPKG7103";
    public const string LambdaFramework = "FPKG7104";
    public const string SelfContainedRuntimeIdentifier = "FPKG7110";
    public const string RuntimeVersionNotPinned = "FPKG7111";
    public const string RuntimePackMissing = "FPKG7112";
    public const string RuntimePackHash = "FPKG7113";

    public static FunctionPackageException SelfContainedRid(string rid, IEnumerable<string> supported) =>
        new(SelfContainedRuntimeIdentifier, $"a self-contained host cannot be built for '{rid}'. Pass -r with one of: {string.Join(", ", supported)}.");

    public static FunctionPackageException RuntimeNotPinned(string version, IEnumerable<string> pinned) =>
        new(RuntimeVersionNotPinned, $".NET runtime {version} has no pinned runtime-pack hashes in this fnpkg, so its packs cannot be verified. Pass --runtime-version with one of: {string.Join(", ", pinned)} (or use an fnpkg that pins {version}).");

    public static FunctionPackageException RuntimePackNotFound(string id, string version, string sources) =>
        new(RuntimePackMissing, $"the runtime pack {id} {version} is not on the package sources ({sources}). Pass --source with a feed that serves the .NET runtime packs (the public NuGet gallery serves them).");

    public static FunctionPackageException RuntimePackHashMismatch(string id, string version, string origin, string actual, string pinned) =>
        new(RuntimePackHash, $"the runtime pack {id} {version} from {origin} has content hash {actual}, not the pinned {pinned}: it is not Microsoft's package. Remove it from that source (or pass --source with one that serves the original).");

    // openwhisk (FPKG7200-7249)
    public static FunctionPackageException OpenWhiskVariable(string name) =>
        new(OpenWhiskReservedVariable, $"--env {name}: OpenWhisk sets the __OW_* variables from every activation's context, so this value would be replaced. Rename the variable (no __OW_ prefix).");

    public static FunctionPackageException OpenWhiskActionName(string name) =>
        new(OpenWhiskInvalidActionName, $"--action-name '{name}' is not an OpenWhisk entity name. Pass 1-256 letters, digits, '_', '@', '.', '-' or spaces, starting with a letter, digit or '_' and not ending with a space.");

    // FPKG7150-7199: --target azure-functions (Targets/AzureFunctions/).
    public const string AzureInvalidTrigger = "FPKG7150";
    public const string AzureInvalidFunctionName = "FPKG7151";
    public const string AzureTriggerOptionMismatch = "FPKG7152";
    public const string AzureInvalidValue = "FPKG7153";
    public const string AzureOutputNotEmpty = "FPKG7154";
    public const string AzureFrameworkDependentRuntime = "FPKG7155";
    public const string AzureNoOutput = "FPKG7156";
    public const string AzurePlatform = "FPKG7157";
    public const string AzureFramework = "FPKG7158";

    public static FunctionPackageException AzureTrigger(string trigger, IEnumerable<string> known) =>
        new(AzureInvalidTrigger, $"--trigger '{trigger}' is not a trigger the azure-functions target writes. Pass one of: {string.Join(", ", known)}.");

    public static FunctionPackageException AzureFunctionName(string name) =>
        new(AzureInvalidFunctionName, $"'{name}' is not an Azure function name (a letter, then up to 126 letters, digits, '-' or '_'). Pass --function-name with such a name.");

    public static FunctionPackageException AzureTriggerOption(string option, string trigger, string itsTrigger) =>
        new(AzureTriggerOptionMismatch, $"{option} belongs to --trigger {itsTrigger}, not {trigger}. Drop it, or pass --trigger {itsTrigger}.");

    public static FunctionPackageException AzureQueueNameMissing() =>
        new(AzureTriggerOptionMismatch, "--trigger queue needs the storage queue it listens to. Pass --queue-name <name> (e.g. orders).");

    public static FunctionPackageException AzureValue(string option, string value, string expected) =>
        new(AzureInvalidValue, $"{option} '{value}' is not valid here. Pass {expected}.");

    public static FunctionPackageException AzureOutputExists(string output) =>
        new(AzureOutputNotEmpty, $"the output {output} already exists and is not an empty folder. Remove it, or pass another -o (a new folder, or a file ending in .zip).");

    public static FunctionPackageException AzureOutputMissing() =>
        new(AzureNoOutput, "--target azure-functions writes an app: pass -o <folder> (a new or empty folder) or -o <file.zip>.");

    public static FunctionPackageException AzureFrameworkDependentRid(string rid, IEnumerable<string> supported) =>
        new(AzureFrameworkDependentRuntime, $"with --framework-dependent, -r names the plan's architecture, to ship the host and assets for it; '{rid}' is not one of: {string.Join(", ", supported)}. Pass one of those, or leave -r out for an app that runs on any plan.");

    public static FunctionPackageException AzureRuntimeWithFrameworkDependent(string option) =>
        new(AzureFrameworkDependentRuntime, $"{option} chooses the self-contained handler's runtime; with --framework-dependent the handler runs on the platform's own .NET. Drop {option}, or drop --framework-dependent.");

    public static FunctionPackageException AzurePlatformMismatch(string rid, FunctionPackageException inner) =>
        new(AzurePlatform, $"the self-contained {rid} handler cannot run this package ({inner.Message}). Export with the -r the package was built for, or rebuild it without a RuntimeIdentifier (or for {rid}).", inner);

    public static FunctionPackageException AzureFrameworkMissing(string runtimeVersion, FunctionPackageException inner) =>
        new(AzureFramework, $"the self-contained handler's .NET {runtimeVersion} (Microsoft.NETCore.App, Microsoft.AspNetCore.App) cannot run this function ({inner.Message}). Pass a newer --runtime-version that fnpkg pins, or --framework-dependent on a plan with that .NET.", inner);

    public static FunctionPackageException LambdaNoOutput() =>
        new(LambdaOutput, "--target aws-lambda writes a zip: pass --output <file.zip> (e.g. -o orders-lambda.zip).");

    public static FunctionPackageException LambdaRid(string rid, IEnumerable<string> supported) =>
        new(LambdaUsage, $"-r '{rid}' is not an architecture Lambda runs. Pass -r with one of: {string.Join(", ", supported)} (x86_64, arm64).");

    public static FunctionPackageException LambdaRuntimeVersionNeedsSelfContained() =>
        new(LambdaUsage, "--runtime-version chooses the runtime packs of a self-contained host; the dotnet10 runtime brings its own .NET. Add --self-contained, or leave --runtime-version out.");

    public static FunctionPackageException LambdaTimeout(double seconds, int max) =>
        new(LambdaUsage, $"--invocation-timeout {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} is longer than Lambda's longest function timeout ({max} s). Pass at most {max}.");

    public static FunctionPackageException LambdaSize(string what, long bytes, long limit) =>
        new(LambdaTooLarge, $"the deployment package would be {bytes:N0} bytes {what}, over Lambda's limit of {limit:N0} bytes ({(what == "zipped" ? "50 MB for a direct upload" : "250 MB unzipped")}); no file was written. Trim the function's dependencies{(what == "zipped" ? ", or use the dotnet10 runtime instead of --self-contained (no .NET in the zip)" : "")}.");

    public static FunctionPackageException LambdaPlatformMismatch(string rid, FunctionPackageException inner) =>
        new(LambdaPlatform, $"the Lambda architecture {rid} cannot run this package ({inner.Message}). Export with the -r the package was built for, or rebuild it without a RuntimeIdentifier (or for {rid}).", inner);

    public static FunctionPackageException LambdaFrameworkMissing(string runtimeVersion, FunctionPackageException inner) =>
        new(LambdaFramework, $"Lambda's .NET {runtimeVersion} (Microsoft.NETCore.App, Microsoft.AspNetCore.App) cannot run this function ({inner.Message}). Target net10.0 or lower, framework-dependent.", inner);
}
