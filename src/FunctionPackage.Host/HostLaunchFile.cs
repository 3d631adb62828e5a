using System.Text.Json;

namespace FunctionPackage.Host;

/// <summary>
/// How the host starts when a platform runs it with no arguments (Lambda's managed runtime runs
/// <c>dotnet exec /var/task/FunctionPackage.Host.dll</c>; a custom runtime runs <c>./bootstrap</c>): the command line
/// and environment an export baked into <c>FunctionPackage.Host.launch.json</c> beside the host.
/// <code>{ "arguments": ["serve", "--protocol", "aws-lambda", "--function", "function"], "environment": { "CURRENCY": "EUR" } }</code>
/// Relative paths in the arguments are relative to the launch file's folder (the current directory is set there before
/// they are parsed). An environment variable the platform already set wins over the file's value, as a container's
/// run-time <c>-e</c> wins over its image's <c>Env</c>: the function's configuration on the platform stays in charge.
/// </summary>
public sealed record HostLaunchFile(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    public const string FileName = "FunctionPackage.Host.launch.json";

    /// <summary>The launch file in <paramref name="folder"/>, or null when there is none.</summary>
    /// <exception cref="FunctionHostException">FPKG4160: it is there but not valid.</exception>
    public static HostLaunchFile? TryRead(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.Array)
                throw Invalid(path, "no 'arguments' array");
            var argumentList = arguments.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : throw Invalid(path, $"the argument {a} is not a string")).ToList();
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("environment", out var variables))
            {
                if (variables.ValueKind != JsonValueKind.Object) throw Invalid(path, "'environment' is not an object");
                foreach (var variable in variables.EnumerateObject())
                    environment[variable.Name] = variable.Value.ValueKind == JsonValueKind.String ? variable.Value.GetString()! : throw Invalid(path, $"the value of {variable.Name} is not a string");
            }
            return new HostLaunchFile(argumentList, environment);
        }
        catch (JsonException ex)
        {
            throw Invalid(path, ex.Message);
        }
    }

    /// <summary>Sets the variables the process does not have yet and makes the launch file's folder the current directory.</summary>
    public void Apply(string folder)
    {
        foreach (var (name, value) in Environment)
        {
            if (System.Environment.GetEnvironmentVariable(name) is null) System.Environment.SetEnvironmentVariable(name, value);
        }
        Directory.SetCurrentDirectory(folder);
    }

    private static FunctionHostException Invalid(string path, string problem) => HostDiagnostics.Error(HostErrorCodes.LaunchFileInvalid, path, problem);
}
