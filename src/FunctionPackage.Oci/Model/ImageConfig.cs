using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionPackage.Oci.Model;

/// <summary>
/// An image config, kept as the base image's JSON so every field we do not set survives unchanged; the setters change
/// only <c>config.*</c>, <c>rootfs.diff_ids</c>, <c>history</c> and <c>created</c>.
/// </summary>
public sealed class ImageConfig
{
    private readonly JsonObject _root;

    private ImageConfig(JsonObject root) => _root = root;

    /// <summary>A config with no layers for an image built from scratch (e.g. a test base image).</summary>
    public static ImageConfig Scratch(Platform platform)
    {
        var root = new JsonObject
        {
            ["architecture"] = platform.Architecture,
            ["os"] = platform.Os,
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
            ["history"] = new JsonArray(),
        };
        if (platform.Variant is not null) root["variant"] = platform.Variant;
        return new ImageConfig(root);
    }

    /// <summary>Parses a base image's config; it must name its os and architecture and have a layers rootfs.</summary>
    public static ImageConfig Parse(byte[] content)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(content) as JsonObject ?? throw OciErrors.BadBaseConfig("not a JSON object");
        }
        catch (JsonException e)
        {
            throw OciErrors.BadBaseConfig(e.Message);
        }
        if (root["os"]?.GetValueKind() != JsonValueKind.String || root["architecture"]?.GetValueKind() != JsonValueKind.String)
        {
            throw OciErrors.BadBaseConfig("'os' or 'architecture' is missing");
        }
        if (root["rootfs"] is not JsonObject rootfs || rootfs["type"]?.GetValue<string>() != "layers" || rootfs["diff_ids"] is not JsonArray)
        {
            throw OciErrors.BadBaseConfig("'rootfs' is not {\"type\":\"layers\",\"diff_ids\":[...]}");
        }
        return new ImageConfig(root);
    }

    public Platform Platform => new()
    {
        Os = _root["os"]!.GetValue<string>(),
        Architecture = _root["architecture"]!.GetValue<string>(),
        Variant = _root["variant"]?.GetValue<string>(),
    };

    public IReadOnlyList<string> DiffIds => ((JsonArray)_root["rootfs"]!["diff_ids"]!).Select(n => n!.GetValue<string>()).ToList();

    public IReadOnlyList<string> Env => (Config["Env"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? new List<string>();

    public IReadOnlyList<string>? Entrypoint => (Config["Entrypoint"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList();

    public string? User => Config["User"]?.GetValue<string>();

    public string? WorkingDir => Config["WorkingDir"]?.GetValue<string>();

    public IReadOnlyDictionary<string, string> Labels =>
        (Config["Labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal) ?? new Dictionary<string, string>();

    private JsonObject Config
    {
        get
        {
            if (_root["config"] is JsonObject config) return config;
            var created = new JsonObject();
            _root["config"] = created;
            return created;
        }
    }

    public ImageConfig SetEntrypoint(params string[] entrypoint)
    {
        Config["Entrypoint"] = new JsonArray(entrypoint.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        return this;
    }

    /// <summary>Sets Cmd; with no arguments removes the base image's Cmd (it was written for the base's Entrypoint).</summary>
    public ImageConfig SetCmd(params string[] cmd)
    {
        if (cmd.Length == 0) Config.Remove("Cmd");
        else Config["Cmd"] = new JsonArray(cmd.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        return this;
    }

    /// <summary>Sets <c>name=value</c> in Env, replacing the base's value for that name and keeping every other.</summary>
    public ImageConfig SetEnv(string name, string value)
    {
        if (name.Length == 0 || name.Contains('=')) throw new ArgumentException($"'{name}' is not an environment variable name.", nameof(name));
        var env = Env.Where(e => !e.StartsWith(name + "=", StringComparison.Ordinal)).Append($"{name}={value}");
        Config["Env"] = new JsonArray(env.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        return this;
    }

    public ImageConfig SetWorkingDir(string workingDir)
    {
        Config["WorkingDir"] = workingDir;
        return this;
    }

    public ImageConfig SetUser(string user)
    {
        Config["User"] = user;
        return this;
    }

    /// <summary>Adds <c>port/protocol</c> (e.g. <c>8080/tcp</c>) to ExposedPorts.</summary>
    public ImageConfig AddExposedPort(int port, string protocol = "tcp")
    {
        var ports = Config["ExposedPorts"] as JsonObject ?? new JsonObject();
        ports[$"{port}/{protocol}"] = new JsonObject();
        Config["ExposedPorts"] = Sorted(ports);
        return this;
    }

    public ImageConfig SetLabel(string name, string value)
    {
        var labels = Config["Labels"] as JsonObject ?? new JsonObject();
        labels[name] = value;
        Config["Labels"] = Sorted(labels);
        return this;
    }

    /// <summary>Appends a layer: its diff_id to rootfs and one history entry (some registries check the count).</summary>
    public ImageConfig AddLayer(string diffId, string createdBy, DateTimeOffset created)
    {
        ((JsonArray)_root["rootfs"]!["diff_ids"]!).Add(diffId);
        var history = _root["history"] as JsonArray ?? new JsonArray();
        history.Add(new JsonObject { ["created"] = Timestamp(created), ["created_by"] = createdBy });
        _root["history"] = history;
        _root["created"] = Timestamp(created);
        return this;
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(_root, OciJson.Options);

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    // Maps written in key order so the config's bytes do not depend on the order settings were applied in.
    private static JsonObject Sorted(JsonObject map)
    {
        var pairs = map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
        var sorted = new JsonObject();
        foreach (var (key, value) in pairs) sorted[key] = value;
        return sorted;
    }
}
