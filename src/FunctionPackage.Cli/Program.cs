using FunctionPackage.Cli.Commands;

return await CliApplication.RunAsync(args, Console.Out, ownsProcess: true);
