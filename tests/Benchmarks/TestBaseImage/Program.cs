using FunctionPackage.Oci.Registry;
using FunctionPackage.Oci.Tests.Infrastructure;

// Prints the pushed reference, e.g. 127.0.0.1:5000/base/aspnet-runtime:10.0.4, for the benchmark to export onto.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: TestBaseImage <registry host:port> <work folder>");
    return 1;
}
using var client = new RegistryClient(args[0], new RegistryOptions
{
    InsecureRegistries = new HashSet<string>(new[] { args[0] }, StringComparer.OrdinalIgnoreCase),
    Credentials = CredentialStore.Anonymous,
    Timeout = TimeSpan.FromSeconds(60),
});
Console.WriteLine(await DotNetBaseImage.BuildAndPushAsync(client, args[1], withAspNetCore: true));
return 0;
