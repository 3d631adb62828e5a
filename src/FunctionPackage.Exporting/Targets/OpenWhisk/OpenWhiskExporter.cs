using System.Globalization;
using System.Text.RegularExpressions;
using FunctionPackage.Exporting.Runtime;
using FunctionPackage.Exporting.Targets.Oci;
using Microsoft.Extensions.Logging;

namespace FunctionPackage.Exporting.Targets.OpenWhisk;

public sealed record OpenWhiskExportRequest
{
    /// <summary>The image to build: the same request as every image target's (its <see cref="FunctionImageRequest.ServeArguments"/> are set here).</summary>
    public required FunctionImageRequest Image { get; init; }
    /// <summary>The action's name in the printed <c>wsk action create</c>; default: the package id as a DNS label (as oci names the Service).</summary>
    public string? ActionName { get; init; }
}

/// <summary>
/// What an export made. <see cref="DockerImage"/>: <c>registry/repository@sha256:…</c> to pass to <c>--docker</c>, or
/// null for a tar (push it first). <see cref="TimeoutMilliseconds"/>: the action's <c>--timeout</c> when
/// <c>--invocation-timeout</c> was given.
/// </summary>
public sealed record OpenWhiskExportResult(FunctionImageResult Image, string ActionName, string? DockerImage, long? TimeoutMilliseconds);

/// <summary>
/// <c>fnpkg export --target openwhisk</c>: a docker action's image — the image every image target builds
/// (<see cref="FunctionImageExporter"/>) with the host serving the OpenWhisk action proxy (<c>--protocol openwhisk</c>,
/// <c>/init</c> and <c>/run</c> on 8080) — since OpenWhisk's own .NET kind stops at dotnet:6.0. Deployed with
/// <c>wsk action create &lt;name&gt; --docker &lt;image@digest&gt;</c>.
/// </summary>
public sealed partial class OpenWhiskExporter
{
    /// <summary>What the image's host serves (FunctionPackage.Host's HostProtocols.OpenWhisk).</summary>
    public const string Protocol = "openwhisk";
    /// <summary>The run context's environment prefix: the proxy sets <c>__OW_&lt;KEY&gt;</c> for every activation.</summary>
    public const string ContextPrefix = "__OW_";
    /// <summary>
    /// The body limit when --max-request-body-bytes is not given: OpenWhisk's default parameter limit is 1 MB
    /// (whisk.activation.payload.max), and /run wraps the parameters in the activation context.
    /// </summary>
    public const long DefaultMaxRequestBodyBytes = 2 * 1024 * 1024;

    // apache/openwhisk EntityName: a letter, digit or '_' first, then also '@', '.', '-' and spaces; at most 256.
    [GeneratedRegex(@"^[\w](?:[\w@ .-]{0,254}[\w@.-])?$", RegexOptions.CultureInvariant)]
    private static partial Regex EntityName();

    private readonly FunctionImageExporter _images;

    public OpenWhiskExporter(ILogger logger) => _images = new FunctionImageExporter(logger);

    public async Task<OpenWhiskExportResult> ExportAsync(OpenWhiskExportRequest request, CancellationToken cancellationToken = default)
    {
        // Usage first: nothing is fetched for a request that cannot be carried out.
        FunctionImageExporter.CheckDestination(request.Image.Image, request.Image.Output);
        if (request.ActionName is { } given && !EntityName().IsMatch(given)) throw ExportErrors.OpenWhiskActionName(given);
        if (request.Image.Runtime.Environment.FirstOrDefault(e => e.Key.StartsWith(ContextPrefix, StringComparison.OrdinalIgnoreCase)) is { Key: { } reserved })
            throw ExportErrors.OpenWhiskVariable(reserved);

        var image = await _images.ExportAsync(request.Image with
        {
            ServeArguments = new[] { "--protocol", Protocol },
            TargetDefaults = new RuntimeConfiguration { MaxRequestBodyBytes = DefaultMaxRequestBodyBytes },
        }, cancellationToken).ConfigureAwait(false);

        var timeout = request.Image.Runtime.InvocationTimeoutSeconds is { } seconds and > 0 ? (long?)Math.Ceiling(seconds * 1000) : null;
        return new OpenWhiskExportResult(image, request.ActionName ?? KnativeService.NameFor(image.PackageId), image.PushedImage, timeout);
    }

    /// <summary>The deploy command <c>fnpkg export</c> prints (the image a placeholder for a tar not pushed yet).</summary>
    public static string DeployCommand(OpenWhiskExportResult result, string imagePlaceholder = "<registry>/<repository>")
    {
        var image = result.DockerImage ?? $"{imagePlaceholder}@{result.Image.Digest}";
        var command = $"wsk action create {Quote(result.ActionName)} --docker {image}";
        if (result.TimeoutMilliseconds is { } ms) command += " --timeout " + ms.ToString(CultureInfo.InvariantCulture);
        return command;
    }

    private static string Quote(string name) => name.Contains(' ') ? $"'{name}'" : name;
}
