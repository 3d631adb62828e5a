using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionPackage.Installing.Installation;

/// <summary>
/// <c>install.json</c>, written last into the staged function folder: its presence in <c>functions/&lt;id&gt;/&lt;version&gt;</c>
/// means the install is complete. Deterministic except <see cref="PackagesFolder"/>, an absolute path.
/// </summary>
public sealed class InstallReceipt
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>Base64 SHA-512 of the installed function.json bytes.</summary>
    public string ManifestSha512 { get; set; } = "";
    public string DependencyMode { get; set; } = "";
    public List<ReceiptDependency> Dependencies { get; set; } = new();
    /// <summary>Absolute path of the shared packages folder: pass it to the host as its probing path.</summary>
    public string PackagesFolder { get; set; } = "";
    /// <summary>e.g. <c>fnpkg 0.1.0</c>.</summary>
    public string InstalledBy { get; set; } = "";

    public byte[] Serialize()
        => new UTF8Encoding(false).GetBytes(JsonSerializer.Serialize(this, InstallReceiptJsonContext.Default.InstallReceipt).Replace("\r\n", "\n") + "\n");

    /// <summary>The receipt in <paramref name="functionDirectory"/>, or null when it is missing or unreadable (an incomplete install).</summary>
    public static InstallReceipt? TryRead(string functionDirectory)
    {
        var path = Path.Combine(functionDirectory, InstallLayout.ReceiptFileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromJson(json.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    // Read with JsonDocument, not the serializer that writes it: a no-op install reads this one file and stops, and the
    // serializer's first use (options, metadata, converters) cost more than the rest of that read (docs/benchmarks.md,
    // "Start-up and packaging levers"). The serializer's contract: camelCase names, unknown properties ignored, a
    // missing one keeps its default, a wrong type is unreadable. The round-trip test keeps the two in step.
    private static InstallReceipt FromJson(JsonElement root)
    {
        var receipt = new InstallReceipt();
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "schemaVersion": receipt.SchemaVersion = value.GetInt32(); break;
                case "id": receipt.Id = value.GetString()!; break;
                case "version": receipt.Version = value.GetString()!; break;
                case "manifestSha512": receipt.ManifestSha512 = value.GetString()!; break;
                case "dependencyMode": receipt.DependencyMode = value.GetString()!; break;
                case "dependencies": receipt.Dependencies = value.EnumerateArray().Select(ReceiptDependency.FromJson).ToList(); break;
                case "packagesFolder": receipt.PackagesFolder = value.GetString()!; break;
                case "installedBy": receipt.InstalledBy = value.GetString()!; break;
            }
        }
        return receipt;
    }
}

public sealed class ReceiptDependency
{
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    public string Sha512 { get; set; } = "";
    /// <summary>Relative to <see cref="InstallReceipt.PackagesFolder"/>, e.g. <c>newtonsoft.json/13.0.3</c>.</summary>
    public string Path { get; set; } = "";

    internal static ReceiptDependency FromJson(JsonElement element)
    {
        var dependency = new ReceiptDependency();
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "id": dependency.Id = value.GetString()!; break;
                case "version": dependency.Version = value.GetString()!; break;
                case "sha512": dependency.Sha512 = value.GetString()!; break;
                case "path": dependency.Path = value.GetString()!; break;
            }
        }
        return dependency;
    }
}

/// <summary>
/// Source-generated (de)serializer: no reflection or emitted setters at run time, which a no-op install (read this
/// receipt and stop) would otherwise spend a good part of its time compiling.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InstallReceipt))]
internal sealed partial class InstallReceiptJsonContext : JsonSerializerContext
{
}
