using System.CommandLine;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Exporting.Targets.AzureFunctions;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands.Export;

/// <summary><c>--target azure-functions</c>: an Azure Functions custom-handler app (a folder, or a zip with -o *.zip) and the command that publishes it.</summary>
internal sealed class AzureFunctionsExportTarget : IExportTarget
{
    public string Name => "azure-functions";

    public string Summary => "an Azure Functions custom-handler app: host.json, <Name>/function.json for --trigger, local.settings.json and the handler (self-contained linux-x64 unless --framework-dependent), as a folder or a .zip (--output)";

    public IEnumerable<Option> Accepts(ExportOptions options) => new Option[]
    {
        options.Output, options.Trigger, options.FunctionName, options.HttpMethod, options.AuthLevel, options.ForwardHttp,
        options.QueueName, options.QueueConnection, options.FrameworkDependent, options.RuntimeIdentifier, options.RuntimeVersion,
    };

    public async Task<int> ExportAsync(ExportInvocation invocation, CancellationToken cancellationToken)
    {
        var (parse, options) = (invocation.Parse, invocation.Options);
        var output = parse.GetValue(options.Output) ?? throw Exporting.ExportErrors.AzureOutputMissing();
        var request = new AzureFunctionsExportRequest
        {
            Install = invocation.Install,
            HostDirectory = invocation.HostDirectory,
            Output = output,
            Trigger = parse.GetValue(options.Trigger) ?? AzureTriggers.Http,
            FunctionName = parse.GetValue(options.FunctionName),
            HttpMethods = parse.GetValue(options.HttpMethod) ?? Array.Empty<string>(),
            AuthLevel = parse.GetValue(options.AuthLevel),
            ForwardHttpRequest = parse.GetValue(options.ForwardHttp),
            QueueName = parse.GetValue(options.QueueName),
            QueueConnection = parse.GetValue(options.QueueConnection),
            FrameworkDependent = parse.GetValue(options.FrameworkDependent),
            RuntimeIdentifier = parse.GetValue(options.RuntimeIdentifier),
            RuntimeVersion = parse.GetValue(options.RuntimeVersion),
            Runtime = invocation.Runtime,
        };
        var result = await new AzureFunctionsExporter(invocation.LoggerFactory.CreateLogger<AzureFunctionsExporter>()).ExportAsync(request, cancellationToken);
        var written = invocation.Output;
        written.Write($"{(result.IsZip ? "zip" : "app")}: {result.OutputPath} ({result.Bytes} bytes)\n");
        written.Write($"function: {result.FunctionName} ({result.Trigger} trigger)\n");
        written.Write($"handler: {result.Handler}\n");
        written.Write($"deploy (Azure Functions): {result.PublishCommand}\n");
        return ExitCodes.Success;
    }
}
