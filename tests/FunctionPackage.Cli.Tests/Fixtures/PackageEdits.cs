using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests.Fixtures;

/// <summary>
/// Edits a built .nupkg at the zip level the way a hostile publisher could: raw nuspec text and raw function.json,
/// past everything NuGet's PackageBuilder would have refused.
/// </summary>
public static class PackageEdits
{
    public static string NuspecName(ZipArchive zip)
        => zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)).FullName;

    public static string ReadText(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static void EditNuspec(string nupkg, Func<string, string> edit)
        => FunctionPackageBuilder.EditZip(nupkg, zip =>
        {
            var name = NuspecName(zip);
            FunctionPackageBuilder.ReplaceEntry(zip, name, Encoding.UTF8.GetBytes(edit(ReadText(zip, name))));
        });

    /// <summary>Rewrites function.json as a JSON tree (members removed, nulled, retyped); it is not in files[], so no hash changes.</summary>
    public static void EditManifestJson(string nupkg, Action<JsonObject> edit)
        => FunctionPackageBuilder.EditZip(nupkg, zip =>
        {
            var root = JsonNode.Parse(ReadText(zip, FunctionPackageFormat.ManifestFileName))!.AsObject();
            edit(root);
            FunctionPackageBuilder.ReplaceEntry(zip, FunctionPackageFormat.ManifestFileName, Encoding.UTF8.GetBytes(root.ToJsonString()));
        });

    /// <summary>Sets the id in both the nuspec and function.json, so the two still agree (the attack in issue 11).</summary>
    public static void SetId(string nupkg, string id)
    {
        EditNuspec(nupkg, text => System.Text.RegularExpressions.Regex.Replace(text, "<id>[^<]*</id>", $"<id>{System.Security.SecurityElement.Escape(id)}</id>"));
        EditManifestJson(nupkg, root => root["id"] = id);
    }

    /// <summary>Every file under <paramref name="folder"/> that is not under one of <paramref name="allowed"/>.</summary>
    public static List<string> FilesOutside(string folder, params string[] allowed)
    {
        var prefixes = allowed.Select(a => Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).ToList();
        return Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Where(p => !prefixes.Any(prefix => (p + Path.DirectorySeparatorChar).StartsWith(prefix, StringComparison.Ordinal)))
            .Where(p => !prefixes.Any(prefix => prefix.StartsWith(p + Path.DirectorySeparatorChar, StringComparison.Ordinal))) // parents of allowed folders
            .ToList();
    }
}
