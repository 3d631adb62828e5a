using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>
/// <see cref="ServeRules.TryParse"/>, the start-up path without System.CommandLine (exports' launch files and host.json,
/// fnpkg run): for what it takes, the same <see cref="ServeOptions"/> as the full command line; everything else —
/// and every value a rule refuses — is left to the full command line (null), which reports it with its code.
/// </summary>
public sealed class ServeRulesTests
{
    /// <summary>What the full command line hands its serve action, parsed as Program.cs parses (nothing served).</summary>
    private static async Task<ServeOptions?> FullCommandLineAsync(string[] args)
    {
        ServeOptions? parsed = null;
        var exit = await HostCommandLine.Create((options, _) => { parsed = options; return Task.FromResult(0); })
            .Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });
        return exit == 0 ? parsed : null;
    }

    [Theory]
    [InlineData("serve", "--function", "function")]
    [InlineData("serve", "--protocol", "aws-lambda", "--function", "function", "--invocation-timeout", "900", "--max-concurrent-invocations", "1")]
    [InlineData("serve", "--function", "fn", "--protocol", "azure-functions", "--max-request-body-bytes", "4096", "--drain-timeout", "0")]
    [InlineData("serve", "--function", "/abs/fn", "--urls", "http://127.0.0.1:9000;http://[::1]:9001", "--packages", "root/packages")]
    [InlineData("serve", "--function", "fn", "--invocation-timeout", "2.5", "--drain-timeout", "0.25", "--max-concurrent-invocations", "0")]
    [InlineData("serve", "--function", "fn", "--protocol", "openwhisk", "--invocation-timeout", "2147483")]
    public async Task A_plain_serve_command_line_gives_the_full_command_lines_options(params string[] args)
    {
        var full = await FullCommandLineAsync(args);
        Assert.NotNull(full);
        Assert.Equal(full, ServeRules.TryParse(args));
    }

    [Theory]
    [InlineData("invoke", "--function", "fn")]
    [InlineData("serve", "--function")] // no value
    [InlineData("serve", "--urls", "http://127.0.0.1:9000")] // --function is required
    [InlineData("serve", "--function", "fn", "--help", "x")]
    [InlineData("serve", "--function", "a", "--function", "b")] // twice
    [InlineData("serve", "--function=fn")] // another spelling
    [InlineData("serve", "--function", "@args.rsp")] // a response file
    [InlineData("serve", "--function", "fn", "--max-concurrent-invocations", "-1")] // refused: FPKG4054 from the full command line
    [InlineData("serve", "--function", "fn", "--invocation-timeout", "1e9")]
    [InlineData("serve", "--function", "fn", "--invocation-timeout", "2147484")] // just beyond a timer's limit
    [InlineData("serve", "--function", "fn", "--drain-timeout", "1.2.3")]
    [InlineData("serve", "--function", "fn", "--max-request-body-bytes", "0")]
    [InlineData("serve", "--function", "fn", "--max-request-body-bytes", "99999999999999999999")] // overflows long
    [InlineData("serve", "--function", "fn", "--protocol", "grpc")]
    [InlineData("serve", "--function", "fn", "--urls", "ftp://127.0.0.1:8080")]
    [InlineData("serve", "--function", "fn", "--urls", "http://127.0.0.1:notaport")]
    public void Anything_else_is_left_to_the_full_command_line(params string[] args)
        => Assert.Null(ServeRules.TryParse(args));

    [Theory]
    [InlineData("serve", "--function", "fn", "--max-concurrent-invocations", "-1", HostErrorCodes.OptionOutOfRange)]
    [InlineData("serve", "--function", "fn", "--invocation-timeout", "2147484", HostErrorCodes.OptionOutOfRange)]
    [InlineData("serve", "--function", "fn", "--protocol", "grpc", HostErrorCodes.UnknownProtocol)]
    [InlineData("serve", "--function", "fn", "--urls", "ftp://127.0.0.1:8080", HostErrorCodes.InvalidUrls)]
    public async Task What_a_rule_refuses_the_full_command_line_reports_with_the_rules_code(string a0, string a1, string a2, string a3, string a4, string code)
    {
        string[] args = [a0, a1, a2, a3, a4];
        Assert.Null(ServeRules.TryParse(args));
        var error = new StringWriter();
        var exit = await HostCommandLine.Create((_, _) => Task.FromResult(0)).Parse(args)
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = error });
        Assert.True(exit != 0, error.ToString());
        Assert.Contains(code + ":", error.ToString());
    }
}
