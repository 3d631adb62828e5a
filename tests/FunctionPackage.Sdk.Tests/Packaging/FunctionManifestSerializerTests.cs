using System.Text;
using FunctionPackage.Model;
using Xunit;

namespace FunctionPackage.Sdk.Tests.Packaging;

/// <summary>The manifest's canonical form is part of the format: same manifest, same bytes, on every OS.</summary>
public sealed class FunctionManifestSerializerTests
{
    [Fact]
    public void Writes_the_canonical_form_sorted_camel_cased_without_nulls()
    {
        var manifest = new FunctionManifest
        {
            Id = "Fn",
            Version = "1.0.0",
            EntryPoint = new EntryPointDefinition { Assembly = "Fn.dll", Type = "Fn.Handler", Method = "Handle" },
            Runtime = new RuntimeDefinition { Tfm = "net10.0", Frameworks = { new FrameworkDefinition { Name = "Microsoft.NETCore.App", Version = "10.0.0" } } },
            Dependencies =
            {
                new DependencyDefinition { Id = "zeta", Version = "1.0.0", Sha512 = "a+b/", Path = "zeta/1.0.0" },
                new DependencyDefinition
                {
                    Id = "Alpha", Version = "2.0.0", Sha512 = "c+d=", Path = "alpha/2.0.0",
                    Assets = { new AssetDefinition { PathInPackage = "lib/net8.0/fr/Alpha.resources.dll", AssetType = "resources", Culture = "fr", Destination = "fr/Alpha.resources.dll" } },
                },
            },
            Files = { new FileEntry { Path = "function/b.dll", Sha512 = "x" }, new FileEntry { Path = "function/a.dll", Sha512 = "y" } },
        };

        var json = Encoding.UTF8.GetString(FunctionManifestSerializer.Serialize(manifest));

        Assert.Equal("""
            {
              "schemaVersion": 1,
              "profile": "dotnet",
              "id": "Fn",
              "version": "1.0.0",
              "entryPoint": {
                "assembly": "Fn.dll",
                "type": "Fn.Handler",
                "method": "Handle"
              },
              "runtime": {
                "tfm": "net10.0",
                "frameworks": [
                  {
                    "name": "Microsoft.NETCore.App",
                    "version": "10.0.0"
                  }
                ],
                "selfContained": false
              },
              "dependencyMode": "reference",
              "dependencies": [
                {
                  "id": "Alpha",
                  "version": "2.0.0",
                  "sha512": "c+d=",
                  "path": "alpha/2.0.0",
                  "assets": [
                    {
                      "pathInPackage": "lib/net8.0/fr/Alpha.resources.dll",
                      "assetType": "resources",
                      "culture": "fr",
                      "destination": "fr/Alpha.resources.dll"
                    }
                  ]
                },
                {
                  "id": "zeta",
                  "version": "1.0.0",
                  "sha512": "a+b/",
                  "path": "zeta/1.0.0",
                  "assets": []
                }
              ],
              "files": [
                {
                  "path": "function/a.dll",
                  "sha512": "y"
                },
                {
                  "path": "function/b.dll",
                  "sha512": "x"
                }
              ],
              "sources": []
            }

            """.Replace("\r\n", "\n"), json);
    }

    [Fact]
    public void The_entry_point_shape_is_written_after_the_method_and_read_back()
    {
        var manifest = new FunctionManifest
        {
            Id = "Fn",
            Version = "1.0.0",
            EntryPoint = { Assembly = "Fn.dll", Type = "Fn.Handler", Method = "Handle", Shape = "instance;input=cloudevent;cancellation=true;result=taskOfT" },
        };

        var bytes = FunctionManifestSerializer.Serialize(manifest);

        Assert.Contains("""
                "method": "Handle",
                "shape": "instance;input=cloudevent;cancellation=true;result=taskOfT"
              },
            """.Replace("\r\n", "\n"), Encoding.UTF8.GetString(bytes));
        Assert.Equal(manifest.EntryPoint.Shape, FunctionManifestSerializer.Deserialize(bytes).EntryPoint.Shape);
    }

    [Fact]
    public void Round_trips_and_rejects_invalid_json_with_a_format_error()
    {
        var manifest = new FunctionManifest { Id = "Fn", Version = "1.0.0", Description = "d" };
        var read = FunctionManifestSerializer.Deserialize(FunctionManifestSerializer.Serialize(manifest));
        Assert.Equal(("Fn", "1.0.0", "d"), (read.Id, read.Version, read.Description));

        Assert.Throws<FormatException>(() => FunctionManifestSerializer.Deserialize(Encoding.UTF8.GetBytes("{ not json")));
    }
}
