using System.Text.Json;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Cli.Tests.Installing;

/// <summary>
/// install.json is written by the source-generated serializer and read by a JsonDocument reader (the no-op install's
/// start-up): these keep the two in step and hold the reader to the serializer's contract.
/// </summary>
public sealed class InstallReceiptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fpkg-receipt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static InstallReceipt Full() => new()
    {
        SchemaVersion = 7,
        Id = "Orders.Function",
        Version = "1.2.3-beta.1",
        ManifestSha512 = "eEqHlfMm+/w==",
        DependencyMode = "reference",
        Dependencies =
        {
            new ReceiptDependency { Id = "Dep.A", Version = "1.0.0", Sha512 = "a+/==", Path = "dep.a/1.0.0" },
            new ReceiptDependency { Id = "Dep.B", Version = "2.0.0-rc", Sha512 = "b==", Path = "dep.b/2.0.0-rc" },
        },
        PackagesFolder = "/srv/root/packages",
        InstalledBy = "fnpkg 0.1.0",
    };

    private InstallReceipt? WriteAndRead(byte[] content)
    {
        File.WriteAllBytes(Path.Combine(_directory, InstallLayout.ReceiptFileName), content);
        return InstallReceipt.TryRead(_directory);
    }

    [Fact]
    public void Every_property_written_is_read_back()
    {
        var written = Full().Serialize();
        // Every property differs from its default, so one the reader missed would change the bytes.
        Assert.Equal(written, WriteAndRead(written)!.Serialize());
    }

    [Fact]
    public void Unknown_properties_are_ignored_and_missing_ones_keep_their_defaults()
    {
        var receipt = WriteAndRead("""{"id":"A","future":{"x":[1,2]},"dependencies":[{"path":"a/1.0.0","extra":true}]}"""u8.ToArray())!;
        Assert.Equal("A", receipt.Id);
        Assert.Equal(InstallReceipt.CurrentSchemaVersion, receipt.SchemaVersion);
        Assert.Equal("", receipt.Version);
        Assert.Equal("a/1.0.0", Assert.Single(receipt.Dependencies).Path);
        Assert.Equal("", receipt.Dependencies[0].Sha512);
    }

    [Theory]
    [InlineData("")]                                   // a receipt cut short at 0 bytes
    [InlineData("""{"id":"A","dependencies":[""")]     // or mid-way
    [InlineData("""{"id":1}""")]                       // a wrong type
    [InlineData("""{"schemaVersion":"1"}""")]
    [InlineData("""{"dependencies":{"path":"a"}}""")]
    [InlineData("""{"dependencies":[1]}""")]
    [InlineData("[]")]
    [InlineData("null")]
    public void An_unreadable_receipt_is_no_receipt(string content)
    {
        Assert.Null(WriteAndRead(System.Text.Encoding.UTF8.GetBytes(content)));
        // The serializer, with the options receipts are written with, gives no receipt for them either.
        Assert.Null(SerializerRead(content));
    }

    private static InstallReceipt? SerializerRead(string content)
    {
        try
        {
            return JsonSerializer.Deserialize<InstallReceipt>(content, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Fact]
    public void A_missing_receipt_is_none()
    {
        Assert.Null(InstallReceipt.TryRead(_directory));
    }
}
