using FunctionPackage.Cli.Tests.Signing;
using FunctionPackage.EndToEnd.Tests.Support;
using Xunit;

namespace FunctionPackage.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The published Hello sample signed with the real <c>dotnet nuget sign</c>, then installed and invoked by the real fnpkg
/// process against a trust policy: a pinned fingerprint installs it, another fingerprint and the unsigned original are refused.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignedInstallLifecycleTests
{
    private readonly EndToEndEnvironment _env;
    private readonly LifecycleSamples _samples;

    public SignedInstallLifecycleTests(EndToEndEnvironment env)
    {
        _env = env;
        _samples = LifecycleSamples.For(env);
    }

    [Fact]
    public void A_published_sample_signed_by_dotnet_nuget_sign_installs_and_invokes_only_for_its_trusted_signer()
    {
        var hello = _samples.Hello;
        var certificates = _env.NewFolder("signing-certificates");
        using var root = TestCertificates.CreateRoot("Lifecycle Test Root");
        var author = TestCertificates.CreateLeaf(root, "Lifecycle Author", DateTimeOffset.UtcNow.AddYears(1), certificates);
        var other = TestCertificates.CreateLeaf(root, "Someone Else", DateTimeOffset.UtcNow.AddYears(1), certificates);
        var signed = NuGetSign.Sign(author, _env.NewFolder("signed-hello"), hello.PackagePath)[0];

        var verify = Fnpkg.Run(_env.Root.Path, "verify", signed);
        Assert.True(verify.Succeeded, verify.Log);

        var refusedRoot = _env.NewFolder("signed-refused-root");
        var untrusted = Fnpkg.Run(_env.Root.Path, "install", signed, "--root", refusedRoot, "--source", _samples.DependencyFeed, "--trusted-signer", other.Fingerprint);
        Assert.True(untrusted.ExitCode == 2 && untrusted.Stderr.Contains("FPKG5272", StringComparison.Ordinal), untrusted.Log);
        var unsigned = Fnpkg.Run(_env.Root.Path, "install", hello.PackagePath, "--root", refusedRoot, "--source", _samples.DependencyFeed, "--require-signed");
        Assert.True(unsigned.ExitCode == 2 && unsigned.Stderr.Contains("FPKG5270", StringComparison.Ordinal), unsigned.Log);
        Assert.False(Directory.Exists(hello.FunctionDirectory(refusedRoot)), "a refused package left a function folder");

        var installRoot = _env.NewFolder("signed-root");
        var invoke = Fnpkg.Run(_env.Root.Path, "invoke", signed, "--root", installRoot, "--source", _samples.DependencyFeed,
            "--trusted-signer", author.Fingerprint, "--data", SampleAnswers.Hello.First);
        Assert.True(invoke.Succeeded, invoke.Log);
        Assert.True(File.Exists(Path.Combine(hello.FunctionDirectory(installRoot), "function.json")), invoke.Log);
        using var answer = System.Text.Json.JsonDocument.Parse(invoke.Stdout);
        SampleAnswers.Hello.CheckFirst(answer.RootElement, SampleAnswers.InvokeSource);
    }
}
