using System.CommandLine;
using FunctionPackage.Installing.Installation;

namespace FunctionPackage.Cli.Commands;

/// <summary>--require-signed and --trusted-signer, on every command that installs (docs/signing.md).</summary>
internal sealed class SignatureOptions
{
    public Option<bool> RequireSigned { get; } = new("--require-signed")
    {
        Description = "Refuse a function package that is not signed by a trusted signer (a valid signature whose chain this machine trusts, " +
            "or a --trusted-signer / NuGet.config trustedSigners certificate). NuGet.config's signatureValidationMode=require implies it.",
    };

    public Option<string[]> TrustedSigners { get; } = new("--trusted-signer")
    {
        HelpName = "sha256-fingerprint",
        Description = "SHA-256 fingerprint (64 hex characters) of a signing certificate to trust; repeatable; implies --require-signed. " +
            "Adds to NuGet.config's trustedSigners; the certificate is pinned, so its root need not be in this machine's root store.",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Add(RequireSigned);
        command.Add(TrustedSigners);
    }

    public InstallRequest Apply(InstallRequest request, ParseResult parse) => request with
    {
        RequireSigned = parse.GetValue(RequireSigned),
        TrustedSigners = parse.GetValue(TrustedSigners) ?? Array.Empty<string>(),
    };
}
