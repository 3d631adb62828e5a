using System.Reflection;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>Which assemblies a function's load context leaves to the host (one copy for type identity).</summary>
public sealed class SharedAssembliesTests
{
    [Theory]
    [InlineData("System.Runtime")]
    [InlineData("System.Text.Json")]
    [InlineData("Microsoft.Extensions.Logging.Abstractions")] // Microsoft.AspNetCore.App
    [InlineData("CloudNative.CloudEvents")]
    [InlineData("CloudNative.CloudEvents.SystemTextJson")]
    public void Framework_and_cloudevents_assemblies_are_shared(string name)
        => Assert.True(SharedAssemblies.IsShared(new AssemblyName(name)));

    [Theory]
    [InlineData("System.CommandLine")]      // the host's own dependency: a function may bring another version
    [InlineData("FunctionPackage.Model")]
    [InlineData("Humanizer")]
    public void Other_assemblies_load_in_the_function_context(string name)
        => Assert.False(SharedAssemblies.IsShared(new AssemblyName(name)));

    [Fact]
    public void A_function_asking_for_a_higher_version_keeps_its_own_copy()
    {
        var host = typeof(System.Text.Json.JsonSerializer).Assembly.GetName().Version!;
        Assert.True(SharedAssemblies.IsShared(new AssemblyName($"System.Text.Json, Version={host}")));
        Assert.True(SharedAssemblies.IsShared(new AssemblyName("System.Text.Json, Version=8.0.0.0")));
        Assert.False(SharedAssemblies.IsShared(new AssemblyName($"System.Text.Json, Version={host.Major + 1}.0.0.0")));
    }
}
