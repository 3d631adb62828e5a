using FunctionPackage.Host;

// No arguments: a platform started the host as its program (Lambda, a custom runtime's bootstrap): the export's
// launch file beside the host says what to run (HostLaunchFile).
if (args.Length == 0)
{
    try
    {
        if (HostLaunchFile.TryRead(AppContext.BaseDirectory) is { } launch)
        {
            launch.Apply(AppContext.BaseDirectory);
            args = launch.Arguments.ToArray();
        }
    }
    catch (FunctionHostException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return HostDiagnostics.Get(ex.Code).ExitCode ?? ExitCodes.Usage;
    }
}

return await HostCommandLine.RunAsync(args);
