using System.CommandLine;
using FunctionPackage.Exporting.Runtime;

namespace FunctionPackage.Cli.Commands;

public sealed partial class CliApplication
{
    /// <summary>
    /// The runtime configuration a platform adds at install time — one definition for <c>fnpkg run</c> and
    /// <c>fnpkg export</c>: --env, --env-file and the host's limits under the host's own names (docs/host.md).
    /// </summary>
    private sealed class RuntimeOptions
    {
        public Option<string[]> Env { get; } = new("--env", "-e")
        {
            HelpName = "NAME=value",
            Description = "An environment variable the function sees. Repeatable; overrides --env-file.",
            AllowMultipleArgumentsPerToken = false,
        };

        public Option<string[]> EnvFile { get; } = new("--env-file")
        {
            HelpName = "file",
            Description = "A file of NAME=value lines ('#' comments and blank lines skipped; values as written). Repeatable; later files win.",
            AllowMultipleArgumentsPerToken = false,
        };

        public Option<double?> InvocationTimeout { get; } = InvocationTimeoutOption();

        public Option<long?> MaxRequestBodyBytes { get; } = new("--max-request-body-bytes")
        {
            Description = "Largest request body the host reads; larger ones get 413 (host default: 1048576).",
        };

        public Option<int?> MaxConcurrentInvocations { get; } = new("--max-concurrent-invocations")
        {
            Description = "Invocations the host runs at once (a timed-out one counts until it returns); more get 503 with Retry-After. 0 = no bound (host default: 64).",
        };

        public Option<double?> DrainTimeout { get; } = new("--drain-timeout")
        {
            Description = "Seconds a SIGTERM leaves in-flight requests before the host stops and exits 0; keep it below the platform's grace period (Cloud Run: 10 s). Host default: 8.",
        };

        public RuntimeOptions()
        {
            RequireRange(MaxRequestBodyBytes, bytes => bytes > 0 && bytes <= long.MaxValue, "--max-request-body-bytes must be a positive number of bytes.");
            RequireRange(MaxConcurrentInvocations, count => count >= 0, "--max-concurrent-invocations must be 0 (no bound) or positive.");
            RequireRange(DrainTimeout, seconds => seconds >= 0, "--drain-timeout must be 0 (stop at once) or a positive number of seconds, below the platform's grace period (e.g. 8).");
        }

        public void AddTo(Command command)
        {
            command.Add(Env);
            command.Add(EnvFile);
            command.Add(InvocationTimeout);
            command.Add(MaxRequestBodyBytes);
            command.Add(MaxConcurrentInvocations);
            command.Add(DrainTimeout);
        }

        /// <summary>FPKG7002 for a malformed --env or --env-file entry, before anything is installed.</summary>
        public RuntimeConfiguration Read(ParseResult parse) => new()
        {
            Environment = EnvironmentEntries.Parse(parse.GetValue(EnvFile) ?? Array.Empty<string>(), parse.GetValue(Env) ?? Array.Empty<string>()),
            InvocationTimeoutSeconds = parse.GetValue(InvocationTimeout),
            MaxRequestBodyBytes = parse.GetValue(MaxRequestBodyBytes),
            MaxConcurrentInvocations = parse.GetValue(MaxConcurrentInvocations),
            DrainTimeoutSeconds = parse.GetValue(DrainTimeout),
        };
    }
}
