using System.Collections;
using Microsoft.Build.Framework;

namespace FunctionPackage.Sdk.Tests;

/// <summary>A minimal IBuildEngine that records what a task logs, so task tests can assert on error codes and files.</summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = new();
    public List<BuildWarningEventArgs> Warnings { get; } = new();
    public List<BuildMessageEventArgs> Messages { get; } = new();

    public IEnumerable<string?> ErrorCodes => Errors.Select(e => e.Code);

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("RecordingBuildEngine does not build projects.");

    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    /// <summary>Everything logged, one line each, for assertion messages.</summary>
    public string Log() => string.Join(Environment.NewLine,
        Errors.Select(e => $"error {e.Code}: {e.File}: {e.Message}")
            .Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message}"))
            .Concat(Messages.Select(m => $"message: {m.Message}")));
}
