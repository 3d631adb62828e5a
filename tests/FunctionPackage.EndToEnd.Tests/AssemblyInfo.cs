using Xunit;

// Every end-to-end test runs real `dotnet` processes on a 2-core machine: one at a time keeps them within their
// timeouts and keeps the shared packages folder free of concurrent extraction.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
