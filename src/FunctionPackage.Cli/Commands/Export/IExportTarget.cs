using System.CommandLine;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Installing.Installation;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands.Export;

/// <summary>
/// One <c>fnpkg export --target &lt;Name&gt;</c>: a thin front end over its exporter in
/// src/FunctionPackage.Exporting/Targets/&lt;Name&gt;. The common part (package, sources, runtime options) is
/// <see cref="CliApplication"/>'s export command; a target adds only what is its own.
/// </summary>
internal interface IExportTarget
{
    /// <summary>The <c>--target</c> value.</summary>
    string Name { get; }

    /// <summary>What the target makes, for <c>--target</c>'s help: "an OCI image for Knative, Cloud Run or any OCI runtime".</summary>
    string Summary { get; }

    /// <summary>The options of <see cref="ExportOptions"/> this target reads; any other one given is FPKG7006.</summary>
    IEnumerable<Option> Accepts(ExportOptions options);

    /// <summary>Exports and writes what to deploy to <see cref="ExportInvocation.Output"/>; returns the exit code.</summary>
    Task<int> ExportAsync(ExportInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>
/// What every target gets: the parse (read its options through <see cref="Options"/>), the install request of the
/// package (verified and installed into a temp root exactly as <c>fnpkg install</c> does), the runtime configuration,
/// the folder of the host fnpkg ships, and where results and logs go.
/// </summary>
internal sealed record ExportInvocation(
    ParseResult Parse,
    ExportOptions Options,
    InstallRequest Install,
    RuntimeConfiguration Runtime,
    string HostDirectory,
    TextWriter Output,
    ILoggerFactory LoggerFactory);
