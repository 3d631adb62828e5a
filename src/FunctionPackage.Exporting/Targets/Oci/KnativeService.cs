using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionPackage.Exporting.Runtime;

namespace FunctionPackage.Exporting.Targets.Oci;

/// <summary>A Knative Serving <c>Service</c> (serving.knative.dev/v1) running the image pinned by digest; Cloud Run reads the same shape.</summary>
public static partial class KnativeService
{
    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDnsLabel();

    /// <summary>The package id as a DNS-1035 label (Knative's Service name rule): lower case, '-' for the rest, at most 63.</summary>
    public static string NameFor(string packageId)
    {
        var name = NotDnsLabel().Replace(packageId.ToLowerInvariant(), "-").Trim('-');
        if (name.Length == 0 || !char.IsAsciiLetter(name[0])) name = "fn-" + name;
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }

    /// <summary>
    /// Env is in the image already; the manifest adds what only the platform enforces: the port, non-root and a
    /// read-only root (the host writes only /tmp), and the concurrency bound when one was set. Strings are JSON
    /// strings, which YAML reads as they are.
    /// </summary>
    public static string Render(string name, string pinnedImage, int port, RuntimeConfiguration runtime)
    {
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n");
        yaml.Append("  name: ").Append(JsonSerializer.Serialize(name)).Append('\n');
        yaml.Append("spec:\n  template:\n    spec:\n");
        if (runtime.MaxConcurrentInvocations is > 0)
            yaml.Append("      containerConcurrency: ").Append(runtime.MaxConcurrentInvocations.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        yaml.Append("      containers:\n");
        yaml.Append("        - image: ").Append(JsonSerializer.Serialize(pinnedImage)).Append('\n');
        yaml.Append("          ports:\n            - containerPort: ").Append(port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        yaml.Append("          securityContext:\n            runAsNonRoot: true\n            readOnlyRootFilesystem: true\n            allowPrivilegeEscalation: false\n");
        return yaml.ToString();
    }
}
