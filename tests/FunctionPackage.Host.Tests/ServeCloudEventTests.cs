using System.Net;
using System.Text.Json;
using FunctionPackage.Host.Tests.Support;
using FunctionPackage.Host.Protocols.CloudEventsHttp;
using Xunit;
using static FunctionPackage.Host.Tests.HttpTestRequests;

namespace FunctionPackage.Host.Tests;

/// <summary>EventEcho::Describe(CloudEvent): the function receives the host's CloudEvent type with every attribute.</summary>
public sealed class ServeCloudEventTests : IClassFixture<EventEchoHost>
{
    private readonly EventEchoHost _fixture;

    public ServeCloudEventTests(EventEchoHost fixture) => _fixture = fixture;

    [Fact]
    public async Task Binary_mode_event_reaches_the_function_with_attributes_and_json_data()
    {
        using var response = await _fixture.Client.SendAsync(Binary("""{"a": [1, 2]}""", type: "com.example.echo", id: "e-7", source: "urn:test:source"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, _fixture.Host.Output);
        Assert.Equal("com.example.echo.response", response.Header("ce-type"));
        var summary = await response.ReadJsonAsync();
        Assert.Equal("e-7", summary.GetProperty("id").GetString());
        Assert.Equal("com.example.echo", summary.GetProperty("type").GetString());
        Assert.Equal("urn:test:source", summary.GetProperty("source").GetString());
        Assert.Equal("application/json", summary.GetProperty("dataContentType").GetString());
        Assert.Equal("System.Text.Json.JsonElement", summary.GetProperty("dataClr").GetString());
        Assert.Equal("""{"a": [1, 2]}""", summary.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Binary_mode_octet_stream_data_arrives_as_bytes()
    {
        using var response = await _fixture.Client.SendAsync(Binary("raw!", contentType: "application/octet-stream"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, _fixture.Host.Output);
        var summary = await response.ReadJsonAsync();
        Assert.Equal("System.Byte[]", summary.GetProperty("dataClr").GetString());
        Assert.Equal(Convert.ToBase64String("raw!"u8.ToArray()), summary.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Structured_mode_data_base64_arrives_as_bytes()
    {
        var json = $$"""{"specversion":"1.0","id":"b64","source":"/s","type":"com.example.bytes","data_base64":"{{Convert.ToBase64String(new byte[] { 1, 2, 3 })}}"}""";
        using var response = await _fixture.Client.SendAsync(Structured(json));
        Assert.True(response.StatusCode == HttpStatusCode.OK, _fixture.Host.Output);
        var decoded = await CloudNative.CloudEvents.Http.HttpClientExtensions.ToCloudEventAsync(response, new CloudNative.CloudEvents.SystemTextJson.JsonEventFormatter());
        var summary = (JsonElement)decoded.Data!;
        Assert.Equal("b64", summary.GetProperty("id").GetString());
        Assert.Equal("System.Byte[]", summary.GetProperty("dataClr").GetString());
        Assert.Equal("AQID", summary.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Plain_request_is_given_a_synthesized_event()
    {
        using var response = await _fixture.Client.SendAsync(Plain("""{"x":1}"""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, _fixture.Host.Output);
        var summary = await response.ReadJsonAsync();
        Assert.Equal(CloudEventsHttpHandler.PlainRequestType, summary.GetProperty("type").GetString());
        Assert.Equal(CloudEventsHttpHandler.PlainRequestSource, summary.GetProperty("source").GetString());
        Assert.True(Guid.TryParse(summary.GetProperty("id").GetString(), out _));
        Assert.Equal("""{"x":1}""", summary.GetProperty("data").GetString());
    }
}

/// <summary>Humane: package assemblies, a satellite and a native library resolve from the shared probing folder.</summary>
public sealed class ServeProbingTests : IClassFixture<HumaneHost>
{
    private readonly HumaneHost _fixture;

    public ServeProbingTests(HumaneHost fixture) => _fixture = fixture;

    [Fact]
    public void Layout_keeps_package_assets_out_of_the_function_folder()
    {
        var files = _fixture.Layout.FunctionFiles;
        Assert.True(File.Exists(Path.Combine(files, "Humane.dll")));
        Assert.True(File.Exists(Path.Combine(files, "Humane.Words.dll")));
        Assert.False(File.Exists(Path.Combine(files, "Humanizer.dll")));
        Assert.False(File.Exists(Path.Combine(files, "Microsoft.Data.Sqlite.dll")));
        Assert.False(Directory.Exists(Path.Combine(files, "runtimes")));
        Assert.False(Directory.Exists(Path.Combine(files, "fr")));
        Assert.True(File.Exists(Path.Combine(_fixture.Layout.PackagesDirectory, "humanizer.core.fr", "2.14.1", "lib", "net6.0", "fr", "Humanizer.resources.dll")));
    }

    [Fact]
    public Task Managed_satellite_and_native_package_assets_load_through_the_probing_path()
        => AssertPackageAssetsLoadFromTheInstall(_fixture);

    /// <summary>Humane's answer names where each asset came from: the packages folder, or function/ for its own files.</summary>
    internal static async Task AssertPackageAssetsLoadFromTheInstall(HostFixture fixture)
    {
        using var response = await fixture.Client.SendAsync(Plain("""{"number":123,"days":2}"""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{body}\n{fixture.Host.Output}");
        var result = JsonDocument.Parse(body).RootElement;
        Assert.Equal("one hundred and twenty-three", result.GetProperty("words").GetString());
        Assert.Equal("2 jours", result.GetProperty("french").GetString());          // fr satellite from humanizer.core.fr
        Assert.StartsWith("3.", result.GetProperty("sqliteVersion").GetString());   // native libe_sqlite3 from runtimes/<rid>/native
        Assert.Equal("Bonjour", result.GetProperty("dataFile").GetString());
        var packages = fixture.Layout.PackagesDirectory + Path.DirectorySeparatorChar;
        Assert.StartsWith(packages + "humanizer.core" + Path.DirectorySeparatorChar, result.GetProperty("humanizerPath").GetString());
        Assert.StartsWith(packages + "microsoft.data.sqlite.core" + Path.DirectorySeparatorChar, result.GetProperty("sqlitePath").GetString());
        Assert.Equal(Path.Combine(fixture.Layout.FunctionFiles, "Humane.Words.dll"), result.GetProperty("wordsPath").GetString());
        Assert.Equal("Function:Humane", result.GetProperty("loadContext").GetString());
    }
}
