using System.CommandLine;
using System.Globalization;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Exporting.Targets.AwsLambda;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Cli.Commands.Export;

/// <summary><c>--target aws-lambda</c>: a deployment zip for Lambda's dotnet10 runtime, or provided.al2023 with <c>--self-contained</c>.</summary>
internal sealed class AwsLambdaExportTarget : IExportTarget
{
    public string Name => "aws-lambda";

    public string Summary => "a deployment zip for AWS Lambda's dotnet10 runtime (--output), or provided.al2023 with --self-contained -r linux-x64|linux-arm64";

    public IEnumerable<Option> Accepts(ExportOptions options) =>
        new Option[] { options.Output, options.SelfContained, options.RuntimeIdentifier, options.RuntimeVersion };

    public async Task<int> ExportAsync(ExportInvocation invocation, CancellationToken cancellationToken)
    {
        var (parse, options) = (invocation.Parse, invocation.Options);
        var request = new LambdaExportRequest
        {
            Install = invocation.Install,
            HostDirectory = invocation.HostDirectory,
            Output = parse.GetValue(options.Output),
            SelfContained = parse.GetValue(options.SelfContained),
            RuntimeIdentifier = parse.GetValue(options.RuntimeIdentifier),
            RuntimeVersion = parse.GetValue(options.RuntimeVersion),
            Runtime = invocation.Runtime,
        };
        var result = await new LambdaExporter(invocation.LoggerFactory.CreateLogger<LambdaExporter>()).ExportAsync(request, cancellationToken);
        var output = invocation.Output;
        var bundled = result.RuntimeVersion is null ? "" : $", .NET {result.RuntimeVersion} self-contained";
        output.Write(string.Create(CultureInfo.InvariantCulture, $"zip: {result.OutputPath} ({result.ZippedBytes:N0} bytes, {result.UnzippedBytes:N0} unzipped; {result.Runtime}, {result.Architecture}{bundled})\n"));
        output.Write($"handler: {result.Handler}\n");
        output.Write($"deploy: {result.DeployCommand}\n");
        return ExitCodes.Success;
    }
}
