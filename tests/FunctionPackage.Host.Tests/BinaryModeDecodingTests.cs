using CloudNative.CloudEvents;
using FunctionPackage.Host.Protocols.CloudEventsHttp;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// Binary mode's short path (only the required attributes, no CloudEvent object) against the full decode: it must take
/// exactly the requests the full decode accepts with those attributes, and carry the same event; everything else it
/// leaves to the full decode (null), which gives its own verdict.
/// </summary>
public sealed class BinaryModeDecodingTests
{
    private static readonly byte[] Body = """{"name":"Ada"}"""u8.ToArray();

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return dictionary;
    }

    private static (string, string)[] Required(string id = "evt-1", string source = "/tests", string type = "com.example.greet", string specVersion = "1.0")
        => new[] { ("ce-specversion", specVersion), ("ce-id", id), ("ce-source", source), ("ce-type", type) };

    public static TheoryData<string, string, string, string?> Accepted => new()
    {
        { "evt-1", "/tests", "com.example.greet", "application/json" },
        { "a%20b", "https://example.com/x?y=1", "t%C3%A9", null },
        { "urn:uuid:1", "urn:functionpackage:http", "x", "text/plain; charset=utf-8" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void The_required_attributes_alone_decode_to_the_same_event_as_the_full_decode(string id, string source, string type, string? contentType)
    {
        var headers = Headers(Required(id, source, type));
        var full = CloudEventsHttpHandler.DecodeBinaryMode(headers, contentType);

        var fast = CloudEventsHttpHandler.DecodeRequiredAttributesOnly(headers, contentType, Body);

        Assert.NotNull(fast);
        Assert.Equal(full.Type, fast.Type);
        Assert.Equal(full.DataContentType, fast.DataContentType);
        var built = fast.CloudEvent;
        Assert.Equal(full.SpecVersion, built.SpecVersion);
        Assert.Equal(full.Id, built.Id);
        Assert.Equal(full.Source, built.Source);
        Assert.Equal(full.Type, built.Type);
        Assert.Equal(full.DataContentType, built.DataContentType);
        Assert.Equal(full.GetPopulatedAttributes().Select(a => a.Key.Name).Order(), built.GetPopulatedAttributes().Select(a => a.Key.Name).Order());
        Assert.True(built.IsValid);
        Assert.Equal(Body, fast.Body!.Value.ToArray());
    }

    [Fact]
    public void Another_ce_header_a_missing_one_or_another_specversion_is_left_to_the_full_decode()
    {
        Assert.Null(CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers([.. Required(), ("ce-time", "yesterday")]), "application/json", Body));
        Assert.Null(CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers([.. Required(), ("ce-subject", "s")]), "application/json", Body));
        Assert.Null(CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers(Required().Where(h => h.Item1 != "ce-source").ToArray()), "application/json", Body));
        Assert.Null(CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers(Required(specVersion: "0.3")), "application/json", Body));
        Assert.Null(CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers(Required(id: "")), "application/json", Body));
        // The full decode still answers those: a bad ce-time is its ArgumentException (400), the extension is kept.
        Assert.ThrowsAny<ArgumentException>(() => CloudEventsHttpHandler.DecodeBinaryMode(Headers([.. Required(), ("ce-time", "yesterday")]), "application/json"));
        Assert.Equal("s", CloudEventsHttpHandler.DecodeBinaryMode(Headers([.. Required(), ("ce-subject", "s")]), "application/json").Subject);
    }

    [Fact]
    public void A_repeated_source_gives_the_same_verdict_and_value()
    {
        var first = CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers(Required(source: "/a")), null, Body)!;
        var other = CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers(Required(source: "https://example.com/b")), null, Body)!;
        var again = CloudEventsHttpHandler.DecodeRequiredAttributesOnly(Headers(Required(source: "/a")), null, Body)!;
        Assert.Equal(new Uri("/a", UriKind.RelativeOrAbsolute), first.CloudEvent.Source);
        Assert.Equal(new Uri("https://example.com/b"), other.CloudEvent.Source);
        Assert.Equal(first.CloudEvent.Source, again.CloudEvent.Source);
    }
}
