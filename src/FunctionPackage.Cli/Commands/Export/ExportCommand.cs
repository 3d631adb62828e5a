using System.CommandLine;
using FunctionPackage.Cli.Commands.Export;
using FunctionPackage.Cli.Hosting;
using FunctionPackage.Exporting;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Cli.Commands;

public sealed partial class CliApplication
{
    /// <summary>Every export target, one class each (Commands/Export/&lt;Name&gt;ExportTarget.cs), in the order --help lists them.</summary>
    private static readonly IExportTarget[] ExportTargets = { new OciExportTarget(), new OpenWhiskExportTarget(), new AzureFunctionsExportTarget(), new AwsLambdaExportTarget() };

    /// <summary>
    /// <c>fnpkg export &lt;package&gt; --target &lt;name&gt;</c>: the part every target shares — the package (verified and installed
    /// into a temp root exactly as install does), its sources and timeouts, the runtime configuration — then the target's own.
    /// </summary>
    private Command CreateExport()
    {
        var package = PackageArgument("A function package file (.nupkg) or id@version, verified and installed (into a temporary root) exactly as install does.");
        var target = new Option<string>("--target")
        {
            Description = "What to export to: " + string.Join("; ", ExportTargets.Select(t => $"{t.Name} ({t.Summary})")) + ".",
            Required = true,
        };
        var sources = SourceOption();
        var command = new Command("export", "Verify and install a function package, then export it for another platform, with the runtime configuration (--env, limits) added only here; prints what to deploy and the command that deploys it.")
        {
            package, target, sources,
        };
        var runtimeOptions = new RuntimeOptions();
        runtimeOptions.AddTo(command);
        var timeouts = new TimeoutOptions();
        timeouts.AddTo(command);
        var exportOptions = new ExportOptions();
        foreach (var option in exportOptions.All) command.Add(option);

        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            // Usage first: nothing is fetched for a request that cannot be carried out.
            var targetName = parse.GetValue(target)!;
            var chosen = ExportTargets.FirstOrDefault(t => t.Name == targetName) ?? throw ExportErrors.Unknown(targetName, ExportTargets.Select(t => t.Name));
            var accepted = chosen.Accepts(exportOptions).ToHashSet();
            if (exportOptions.Given(parse).FirstOrDefault(option => !accepted.Contains(option)) is { } foreign)
            {
                var takers = ExportTargets.Where(t => t.Accepts(exportOptions).Contains(foreign)).Select(t => t.Name);
                throw ExportErrors.NotForTarget(foreign.Name, targetName, takers);
            }
            var invocation = new ExportInvocation(
                parse,
                exportOptions,
                timeouts.Apply(new InstallRequest
                {
                    Package = parse.GetValue(package)!,
                    Root = "(temporary)", // each exporter installs into a temp root of its own
                    Sources = parse.GetValue(sources) ?? Array.Empty<string>(),
                }, parse),
                runtimeOptions.Read(parse),
                Path.GetDirectoryName(new HostLauncher().HostAssemblyPath)!,
                _output,
                _loggerFactory);
            return await chosen.ExportAsync(invocation, cancellationToken);
        }));
        return command;
    }
}
