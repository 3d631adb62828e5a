using System.Collections.Immutable;
using FunctionPackage.Sdk.Analyzers;
using FunctionPackage.Sdk.Diagnostics;
using FunctionPackage.Sdk.EntryPoints;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FunctionPackage.EntryPoints.Tests.Conformance;

/// <summary>What one reader says about one entry point: a shape, or a code with its message.</summary>
public sealed record ReaderVerdict(string? Shape, string? Code, string? Message)
{
    public override string ToString() => Shape ?? $"{Code}: {Message}";
}

/// <summary>The three front ends, each asked the same question about the same compiled assembly.</summary>
public static class Readers
{
    /// <summary>The SDK task's reader: System.Reflection.Metadata on the emitted file, with the compile references.</summary>
    public static ReaderVerdict Metadata(TestCompilation compiled, string? entryPoint)
    {
        try
        {
            var resolution = new EntryPointValidator().Resolve(compiled.AssemblyPath, entryPoint, TestCompilation.ReferencePaths);
            return new ReaderVerdict(resolution.Shape.ToString(), null, null);
        }
        catch (FunctionPackageException ex)
        {
            return new ReaderVerdict(null, ex.Code, ex.Message);
        }
    }

    /// <summary>The host's reader: reflection on the assembly loaded in a collectible load context.</summary>
    public static ReaderVerdict Reflection(TestCompilation compiled, string? entryPoint) =>
        FromVerdict(EntryPointRules.Resolve(new ReflectionEntryAssembly(compiled.Assembly), entryPoint));

    /// <summary>The analyzer's reader: its shape from the symbols, its diagnostics by running the analyzer itself.</summary>
    public static ReaderVerdict Roslyn(TestCompilation compiled, string? entryPoint)
    {
        var diagnostics = RunAnalyzer(compiled.Compilation, entryPoint);
        if (diagnostics.Count > 1) throw new InvalidOperationException($"The analyzer reported {diagnostics.Count} diagnostics: {string.Join("; ", diagnostics)}");
        if (diagnostics.Count == 1) return new ReaderVerdict(null, diagnostics[0].Id, diagnostics[0].GetMessage());

        // No diagnostic: the symbols must give the shape the others compute.
        var verdict = EntryPointRules.Resolve(new RoslynEntryAssembly(compiled.Compilation), entryPoint);
        return verdict.IsValid ? FromVerdict(verdict) : new ReaderVerdict(null, "(silent)", verdict.Diagnostic!.ToString());
    }

    public static IReadOnlyList<Diagnostic> RunAnalyzer(Compilation compilation, string? entryPoint, bool validate = true)
    {
        var options = new Dictionary<string, string> { [EntryPointAnalyzer.ValidateProperty] = validate ? "true" : "false" };
        if (entryPoint is not null) options[EntryPointAnalyzer.EntryPointProperty] = entryPoint;
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new BuildProperties(options));
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new EntryPointAnalyzer()), analyzerOptions);
        var all = withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        // AD0001 (the analyzer threw) must never hide: it would be a warning in a real build.
        return all.Where(d => d.Id.StartsWith("FPKG", StringComparison.Ordinal) || d.Id == "AD0001").ToList();
    }

    private static ReaderVerdict FromVerdict(EntryPointVerdict verdict) => verdict.IsValid
        ? new ReaderVerdict(verdict.Resolution!.Shape.ToString(), null, null)
        : new ReaderVerdict(null, verdict.Diagnostic!.Code, verdict.Diagnostic.Message);

    /// <summary>build_property.* values, as the SDK's CompilerVisibleProperty items put them in the global analyzer config.</summary>
    private sealed class BuildProperties : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global;

        public BuildProperties(IReadOnlyDictionary<string, string> values) => _global = new Options(values);

        public override AnalyzerConfigOptions GlobalOptions => _global;
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());
            private readonly IReadOnlyDictionary<string, string> _values;

            public Options(IReadOnlyDictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                var found = _values.TryGetValue(key, out var text);
                value = text;
                return found;
            }
        }
    }
}
