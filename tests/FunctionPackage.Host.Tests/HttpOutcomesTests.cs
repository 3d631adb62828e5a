using FunctionPackage.Host.Invocation;
using FunctionPackage.Host.Protocols.CloudEventsHttp;
using Xunit;

namespace FunctionPackage.Host.Tests;

/// <summary>CloudEvents over HTTP maps each fault outcome to one status, in one place (the served answers: Serve*Tests).</summary>
public sealed class HttpOutcomesTests
{
    [Theory]
    [InlineData(InvocationStatus.BadInput, HostErrorCodes.InvalidEventData, 400, "Invalid event data")]
    [InlineData(InvocationStatus.Timeout, HostErrorCodes.InvocationTimedOut, 504, "Function timed out")]
    [InlineData(InvocationStatus.Busy, HostErrorCodes.TooManyInvocations, 503, "Too many invocations")]
    public void A_coded_fault_keeps_its_code_and_detail(InvocationStatus status, string code, int httpStatus, string title)
    {
        var outcome = InvocationOutcome.Coded(status, code, "a", "b", "c");
        var problem = HttpOutcomes.ToProblem(outcome);
        Assert.Equal(new Problem(httpStatus, title, outcome.Detail, code), problem);
        Assert.StartsWith(code + ": ", problem!.Value.Detail);
    }

    [Fact]
    public void A_failure_is_500_without_a_code_and_a_cancelled_invocation_gets_no_answer()
    {
        Assert.Equal(new Problem(500, "Function failed", "threw"), HttpOutcomes.ToProblem(InvocationOutcome.Uncoded(InvocationStatus.Failure, "threw")));
        Assert.Null(HttpOutcomes.ToProblem(InvocationOutcome.Uncoded(InvocationStatus.Cancelled, "gone")));
        Assert.Throws<ArgumentOutOfRangeException>(() => HttpOutcomes.ToProblem(InvocationOutcome.Returned(1)));
    }
}
