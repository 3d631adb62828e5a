using System.CommandLine;
using FunctionPackage.Host;

// System.CommandLine must not handle SIGTERM/Ctrl+C itself: ASP.NET's host does, and drains in-flight requests.
return await HostCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
