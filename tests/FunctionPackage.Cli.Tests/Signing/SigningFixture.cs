using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Model;

namespace FunctionPackage.Cli.Tests.Signing;

/// <summary>
/// What the signing tests share (made once per class: each <c>dotnet nuget sign</c> is a process): certificates, one
/// function package (Dep.A and Dep.B by reference) unsigned and signed with <c>dotnet nuget sign</c> by a trusted leaf, by a
/// leaf of another root and by a leaf that expires seconds after signing; its dependencies unsigned and signed.
/// </summary>
public sealed class SigningFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public SigningFixture()
    {
        var certificates = _temp.Folder("certificates");
        // Signed first: by the time a test looks at it, it has expired (the test waits for the rest of the seconds).
        using var root = TestCertificates.CreateRoot("FunctionPackage Test Root");
        Expiring = TestCertificates.CreateLeaf(root, "Expiring Author", DateTimeOffset.UtcNow.AddSeconds(20), certificates);
        Author = TestCertificates.CreateLeaf(root, "Trusted Author", DateTimeOffset.UtcNow.AddYears(1), certificates);
        using var otherRoot = TestCertificates.CreateRoot("Another Root");
        Stranger = TestCertificates.CreateLeaf(otherRoot, "Unknown Author", DateTimeOffset.UtcNow.AddYears(1), certificates);

        UnsignedFeed = _temp.Folder("unsigned-feed");
        var builder = new FunctionPackageBuilder { DependencyMode = FunctionPackageFormat.ReferenceMode };
        builder.Dependencies.Add(DependencyPackageBuilder.Build(UnsignedFeed, "Dep.A", "1.0.0"));
        builder.Dependencies.Add(DependencyPackageBuilder.Build(UnsignedFeed, "Dep.B", "2.1.0"));
        Builder = builder;
        Unsigned = builder.Build(_temp.Folder("unsigned"));

        ExpiredSigned = NuGetSign.Sign(Expiring, _temp.Combine("signed-expiring"), Unsigned)[0];
        Signed = NuGetSign.Sign(Author, _temp.Combine("signed"), Unsigned)[0];
        StrangerSigned = NuGetSign.Sign(Stranger, _temp.Combine("signed-stranger"), Unsigned)[0];
        // The same dependency packages signed by the trusted author: their content hashes (what the manifest pins) do not change.
        SignedFeed = _temp.Combine("signed-feed");
        NuGetSign.Sign(Author, SignedFeed, builder.Dependencies.Select(d => d.NupkgPath).ToArray());
    }

    public SigningCertificate Author { get; }
    public SigningCertificate Stranger { get; }
    public SigningCertificate Expiring { get; }
    public FunctionPackageBuilder Builder { get; }
    public string Unsigned { get; }
    public string Signed { get; }
    public string StrangerSigned { get; }
    public string ExpiredSigned { get; }
    /// <summary>Dep.A and Dep.B as the builder made them.</summary>
    public string UnsignedFeed { get; }
    /// <summary>Dep.A and Dep.B signed by <see cref="Author"/>.</summary>
    public string SignedFeed { get; }

    public void Dispose() => _temp.Dispose();
}
