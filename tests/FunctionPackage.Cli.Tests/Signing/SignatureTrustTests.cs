using System.IO.Compression;
using FunctionPackage.Cli.Commands;
using FunctionPackage.Cli.Diagnostics;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Installing.Diagnostics;
using FunctionPackage.Installing.Installation;
using FunctionPackage.Installing.Verification;
using NuGet.Packaging;

namespace FunctionPackage.Cli.Tests.Signing;

/// <summary>
/// Packages signed with the real <c>dotnet nuget sign</c> and installed against a trust policy: <c>--require-signed</c>,
/// <c>--trusted-signer</c> and a real NuGet.config (<c>signatureValidationMode</c>, <c>trustedSigners</c>) in the test's
/// working directory, read by NuGet's own readers. A refused package is a coded error and leaves nothing installed.
/// </summary>
public sealed class SignatureTrustTests : InstallTestBase, IClassFixture<SigningFixture>
{
    private const string SignatureFile = ".signature.p7s";
    private readonly SigningFixture _signed;

    public SignatureTrustTests(SigningFixture signed) => _signed = signed;

    private static async Task<FunctionPackageException> AssertInstallFails(Task install, string code)
    {
        var ex = await Assert.ThrowsAsync<FunctionPackageException>(() => install);
        Assert.True(code == ex.Code, $"expected {code}, got {ex.Message}");
        return ex;
    }

    /// <summary>A NuGet.config in the working directory, as a user writes it (or <c>dotnet nuget trust</c> does).</summary>
    private void WriteNuGetConfig(string? signatureValidationMode, params (string Fingerprint, bool AllowUntrustedRoot)[] authors)
    {
        var mode = signatureValidationMode is null ? "" : $"<config><add key=\"signatureValidationMode\" value=\"{signatureValidationMode}\" /></config>";
        var signers = string.Concat(authors.Select((a, i) =>
            $"<author name=\"author{i}\"><certificate fingerprint=\"{a.Fingerprint}\" hashAlgorithm=\"SHA256\" allowUntrustedRoot=\"{(a.AllowUntrustedRoot ? "true" : "false")}\" /></author>"));
        File.WriteAllText(Temp.Combine("NuGet.config"),
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>{mode}<trustedSigners>{signers}</trustedSigners></configuration>\n");
    }

    private InstallRequest Trusting(string package, string feed, params string[] fingerprints)
        => Request(package, feed) with { TrustedSigners = fingerprints };

    [Fact]
    public async Task A_package_signed_by_dotnet_nuget_sign_keeps_every_hash_and_verifies()
    {
        using (var zip = ZipFile.OpenRead(_signed.Signed))
        {
            // NuGet's signature is the last entry; function.json's files[] does not list it (it signs the content hash, which excludes it).
            Assert.Equal(SignatureFile, zip.Entries[^1].FullName);
        }
        using (var reader = new PackageArchiveReader(_signed.Signed))
        {
            Assert.True(await reader.IsSignedAsync(CancellationToken.None));
            Assert.Equal(DependencyPackageBuilder.ContentHashOf(_signed.Unsigned), reader.GetContentHash(CancellationToken.None));
        }
        var result = new PackageVerifier().Verify(_signed.Signed);
        Assert.True(result.IsValid, string.Join("\n", result.Issues));

        var (exitCode, output) = await RunCli("verify", _signed.Signed);
        Assert.True(exitCode == ExitCodes.Success, output);
    }

    [Fact]
    public async Task A_trusted_fingerprint_installs_the_signed_package()
    {
        var result = await FunctionInstaller.CreateDefault().InstallAsync(Trusting(_signed.Signed, _signed.UnsignedFeed, _signed.Author.Fingerprint));

        Assert.Equal(2, result.PackagesAdded);
        Assert.True(File.Exists(Path.Combine(result.FunctionDirectory, "function.json")));
    }

    [Fact]
    public async Task The_fnpkg_options_install_a_trusted_package_and_refuse_an_unsigned_one_with_exit_code_2()
    {
        var (ok, output) = await RunCli("install", _signed.Signed, "--root", Root, "--source", _signed.UnsignedFeed,
            "--trusted-signer", _signed.Stranger.Fingerprint, "--trusted-signer", _signed.Author.Fingerprint.ToLowerInvariant());
        Assert.True(ok == ExitCodes.Success, output);
        Assert.EndsWith(Path.Combine("functions", "hello.function", "1.0.0") + "\n", output, StringComparison.Ordinal);

        var otherRoot = Temp.Combine("root-unsigned");
        var (refused, stdout) = await RunCli("install", _signed.Unsigned, "--root", otherRoot, "--source", _signed.UnsignedFeed, "--require-signed");
        Assert.Equal(ExitCodes.VerificationFailed, refused);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Path.Combine(otherRoot, "functions")));
    }

    [Fact]
    public async Task An_unsigned_package_when_a_signature_is_required_is_FPKG5270_and_nothing_is_installed()
    {
        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Unsigned, _signed.UnsignedFeed) with { RequireSigned = true }),
            DiagnosticCodes.SignatureMissing);
        Assert.Contains("dotnet nuget sign", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
        Assert.False(Directory.Exists(Path.Combine(Root, "packages")), "no dependency is fetched for a refused package");

        // Without a policy the same package installs: the default accepts unsigned packages, as NuGet's accept mode does.
        await FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Unsigned, _signed.UnsignedFeed));
    }

    [Fact]
    public async Task An_installed_unsigned_function_is_no_no_op_when_a_signature_is_required()
    {
        File.Copy(_signed.Unsigned, Path.Combine(Feed, Path.GetFileName(_signed.Unsigned)));
        foreach (var dependency in Directory.GetFiles(_signed.UnsignedFeed)) File.Copy(dependency, Path.Combine(Feed, Path.GetFileName(dependency)));
        await FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0", Feed));

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request("Hello.Function@1.0.0", Feed) with { RequireSigned = true }),
            DiagnosticCodes.SignatureMissing);
    }

    [Fact]
    public async Task A_package_changed_after_signing_is_FPKG5271_with_or_without_a_policy()
    {
        var tampered = Temp.Combine("tampered", Path.GetFileName(_signed.Signed));
        Directory.CreateDirectory(Path.GetDirectoryName(tampered)!);
        File.Copy(_signed.Signed, tampered);
        // Our own hashes cannot see a changed nuspec description; the signature covers every byte but its own.
        PackageEdits.EditNuspec(tampered, nuspec => nuspec.Replace("</id>", "</id><description>changed after signing</description>", StringComparison.Ordinal));
        Assert.True(new PackageVerifier().Verify(tampered).IsValid);

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Trusting(tampered, _signed.UnsignedFeed, _signed.Author.Fingerprint)),
            DiagnosticCodes.SignatureIntegrityFailed);
        Assert.Contains("NU3008", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(tampered, _signed.UnsignedFeed)), DiagnosticCodes.SignatureIntegrityFailed);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task An_unreadable_signature_file_is_FPKG5275_when_a_signature_is_required()
    {
        var broken = Temp.Combine("broken", Path.GetFileName(_signed.Signed));
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        File.Copy(_signed.Signed, broken);
        FunctionPackageBuilder.EditZip(broken, zip =>
        {
            zip.GetEntry(SignatureFile)!.Delete();
            using var stream = zip.CreateEntry(SignatureFile, CompressionLevel.NoCompression).Open();
            stream.Write("not a PKCS #7 signature"u8);
        });

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Trusting(broken, _signed.UnsignedFeed, _signed.Author.Fingerprint)),
            DiagnosticCodes.SignatureInvalid);
        Assert.Contains("NU30", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
        // NuGet's accept mode allows an illegal signature (allowIllegal); only its integrity check is fatal there.
        await FunctionInstaller.CreateDefault().InstallAsync(Request(broken, _signed.UnsignedFeed));
    }

    [Fact]
    public async Task A_signer_that_is_not_trusted_is_FPKG5272()
    {
        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Trusting(_signed.StrangerSigned, _signed.UnsignedFeed, _signed.Author.Fingerprint)),
            DiagnosticCodes.SignerNotTrusted);
        Assert.Contains("--trusted-signer", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task An_expired_signing_certificate_without_a_timestamp_is_FPKG5273()
    {
        var wait = _signed.Expiring.NotAfter.AddSeconds(2) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Trusting(_signed.ExpiredSigned, _signed.UnsignedFeed, _signed.Expiring.Fingerprint)),
            DiagnosticCodes.SignatureExpired);
        Assert.Contains("NU3037", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task A_trusted_signer_whose_root_this_machine_does_not_trust_is_FPKG5274_unless_allowUntrustedRoot()
    {
        WriteNuGetConfig(null, (_signed.Author.Fingerprint, false));
        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Signed, _signed.UnsignedFeed) with { RequireSigned = true }),
            DiagnosticCodes.SignatureChainUntrusted);
        Assert.Contains("allowUntrustedRoot", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();

        WriteNuGetConfig(null, (_signed.Author.Fingerprint, true));
        await FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Signed, _signed.UnsignedFeed) with { RequireSigned = true });
    }

    [Fact]
    public async Task NuGet_config_require_mode_checks_the_function_and_every_dependency_it_adds()
    {
        WriteNuGetConfig("require", (_signed.Author.Fingerprint, true));

        // Unsigned dependencies are refused as restore would refuse them, before any is added to packages/.
        var ex = await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Signed, _signed.UnsignedFeed)), DiagnosticCodes.SignatureMissing);
        Assert.Contains("a dependency of Hello.Function 1.0.0", ex.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
        var packages = Path.Combine(Root, "packages");
        Assert.True(!Directory.Exists(packages) || !Directory.EnumerateDirectories(packages).SelectMany(Directory.EnumerateDirectories).Any(), $"{packages} gained a dependency");

        // An unsigned function package is refused with no --require-signed given.
        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Unsigned, _signed.SignedFeed)), DiagnosticCodes.SignatureMissing);

        // Signed dependencies (same content hashes) from a trusted signer: installed.
        var result = await FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Signed, _signed.SignedFeed));
        Assert.Equal(2, result.PackagesAdded);
    }

    [Fact]
    public async Task NuGet_config_require_mode_with_no_trusted_signers_is_FPKG5272()
    {
        WriteNuGetConfig("require");

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Signed, _signed.SignedFeed)), DiagnosticCodes.SignerNotTrusted);
        AssertNothingInstalled();
    }

    [Fact]
    public async Task A_trusted_signer_that_is_not_a_sha256_fingerprint_is_FPKG5276_with_exit_code_1()
    {
        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Trusting(_signed.Signed, _signed.UnsignedFeed, "AB:CD")), DiagnosticCodes.TrustedSignerInvalid);

        var (exitCode, _) = await RunCli("install", _signed.Signed, "--root", Root, "--trusted-signer", _signed.Author.Fingerprint[..40]);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task An_unreadable_trustedSigners_section_is_FPKG5277()
    {
        // An author with no certificate: NuGet's TrustedSignersProvider refuses the section.
        File.WriteAllText(Temp.Combine("NuGet.config"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><trustedSigners><author name=\"nobody\" /></trustedSigners></configuration>\n");

        await AssertInstallFails(FunctionInstaller.CreateDefault().InstallAsync(Request(_signed.Signed, _signed.UnsignedFeed)), DiagnosticCodes.TrustPolicyUnreadable);
        Assert.False(Directory.Exists(Root));
    }

    [Theory]
    [InlineData("install")]
    [InlineData("run")]
    [InlineData("invoke")]
    [InlineData("export")]
    public void Every_command_that_installs_takes_the_signature_options_with_help_text(string name)
    {
        var command = new CliApplication(TextWriter.Null).CreateRootCommand().Subcommands.Single(c => c.Name == name);

        var requireSigned = command.Options.Single(o => o.Name == "--require-signed");
        var trustedSigner = command.Options.Single(o => o.Name == "--trusted-signer");
        Assert.False(string.IsNullOrWhiteSpace(requireSigned.Description));
        Assert.Contains("repeatable", trustedSigner.Description, StringComparison.Ordinal);
        var parse = command.Parse(new[] { "x.nupkg", "--trusted-signer", "a", "--trusted-signer", "b", "--require-signed" });
        Assert.Equal(new[] { "a", "b" }, parse.GetValue((System.CommandLine.Option<string[]>)trustedSigner));
    }
}
