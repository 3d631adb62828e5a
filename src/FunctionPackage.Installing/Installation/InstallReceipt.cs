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
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), InstallReceiptJsonContext.Default.InstallReceipt);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}

public sealed class ReceiptDependency
{
    public string Id { get; set; } = "";
    public string Version { get; set; } = "";
    public string Sha512 { get; set; } = "";
    /// <summary>Relative to <see cref="InstallReceipt.PackagesFolder"/>, e.g. <c>newtonsoft.json/13.0.3</c>.</summary>
    public string Path { get; set; } = "";
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
