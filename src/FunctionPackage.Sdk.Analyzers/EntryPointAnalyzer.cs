using System.Collections.Immutable;
using FunctionPackage.EntryPoints;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace FunctionPackage.Sdk.Analyzers;

/// <summary>
/// Runs the entry point rules on the compilation as the user types and reports their FPKG1xxx diagnostics (same
/// codes and messages as the ValidateFunctionEntryPoint task) on the method, the type, or — when nothing in source
/// matches — the project file. Reads <c>FunctionEntryPoint</c> and <c>FunctionPackageValidateEntryPoint</c> through
/// CompilerVisibleProperty; silent unless validation is on. The task stays authoritative: the conformance test
/// holds the two to the same verdicts, and half-typed code (unbound types in the signature) gets no verdict here.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EntryPointAnalyzer : DiagnosticAnalyzer
{
    public const string EntryPointProperty = "build_property.FunctionEntryPoint";
    public const string ValidateProperty = "build_property.FunctionPackageValidateEntryPoint";
    public const string ProjectPathProperty = "build_property.MSBuildProjectFullPath";

    /// <summary>Diagnostic property with the "did you mean" names, ';'-separated (read by the code fix).</summary>
    public const string SuggestionsProperty = "Suggestions";

    private const string Category = "FunctionPackage.EntryPoint";

    // Codes the analyzer can report: all of the rules' except the task-only FPKG1011 and the host-only FPKG1050.
    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> Descriptors = new[]
    {
        (EntryPointCodes.Malformed, "FunctionEntryPoint is malformed"),
        (EntryPointCodes.TypeNotFound, "Entry point type not found"),
        (EntryPointCodes.TypeNotUsable, "Entry point type cannot be used"),
        (EntryPointCodes.MethodNotFound, "Entry point method not found"),
        (EntryPointCodes.MethodOverloaded, "Entry point method is overloaded"),
        (EntryPointCodes.AsyncVoid, "Entry point method is async void"),
        (EntryPointCodes.UnsupportedSignature, "Entry point signature is not supported"),
        (EntryPointCodes.NoConstructor, "Entry point type has no public parameterless constructor"),
        (EntryPointCodes.NotDiscovered, "No entry point found"),
        (EntryPointCodes.Ambiguous, "Several entry point candidates"),
        (EntryPointCodes.MethodNotUsable, "Entry point method cannot be used"),
    }.ToImmutableDictionary(
        d => d.Item1,
        // The message is the rules' own, already formatted: identical to the task's (docs/entry-point.md explains each code).
        d => new DiagnosticDescriptor(d.Item1, d.Item2, "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true));

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Descriptors.Values.ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        var options = context.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
        if (!options.TryGetValue(ValidateProperty, out var validate) || !string.Equals(validate.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            return;
        options.TryGetValue(EntryPointProperty, out var entryPoint);
        options.TryGetValue(ProjectPathProperty, out var projectPath);

        var compilation = context.Compilation;
        var verdict = new Lazy<(EntryPointDiagnostic Diagnostic, ISymbol? Anchor)?>(() => Judge(compilation, entryPoint));

        // Located diagnostics are reported with their type, so the editor shows them live in that file.
        context.RegisterSymbolAction(symbolContext =>
        {
            if (verdict.Value is not { Anchor: { } anchor } found) return;
            var owner = anchor as INamedTypeSymbol ?? anchor.ContainingType;
            if (SymbolEqualityComparer.Default.Equals(owner, symbolContext.Symbol))
                symbolContext.ReportDiagnostic(Create(found.Diagnostic, SourceLocation(anchor)!, Related(found.Diagnostic, anchor)));
        }, SymbolKind.NamedType);

        // The rest is about the FunctionEntryPoint value itself: reported on the project file.
        context.RegisterCompilationEndAction(endContext =>
        {
            if (verdict.Value is { Anchor: null } found)
                endContext.ReportDiagnostic(Create(found.Diagnostic, ProjectLocation(projectPath), Related(found.Diagnostic, null)));
        });
    }

    /// <summary>The rules' verdict on this compilation, or null when there is nothing (yet) to report.</summary>
    private static (EntryPointDiagnostic Diagnostic, ISymbol? Anchor)? Judge(Compilation compilation, string? entryPoint)
    {
        try
        {
            var verdict = EntryPointRules.Resolve(new RoslynEntryAssembly(compilation), entryPoint);
            if (verdict.Diagnostic is not { } diagnostic || !Descriptors.ContainsKey(diagnostic.Code)) return null;
            var anchor = Anchor(diagnostic);
            // A signature the compiler cannot bind yet is the compiler's error to report, not a verdict.
            if (anchor is IMethodSymbol method && RoslynEntryAssembly.HasErrorTypes(method)) return null;
            if (anchor is IParameterSymbol { ContainingSymbol: IMethodSymbol owner } && RoslynEntryAssembly.HasErrorTypes(owner)) return null;
            return (diagnostic, anchor);
        }
        catch (Exception)
        {
            // Never fail a compilation over a check the task repeats with authority after it.
            return null;
        }
    }

    /// <summary>
    /// The source symbol a diagnostic is put on: the first "did you mean" suggestion (where the code fix applies),
    /// else its subject (the type, method or parameter at fault), else the first related symbol.
    /// </summary>
    private static ISymbol? Anchor(EntryPointDiagnostic diagnostic)
    {
        var suggests = EntryPointRules.SuggestedNames(diagnostic).Count > 0;
        var candidates = suggests
            ? diagnostic.Related.Concat(new[] { diagnostic.Subject })
            : new[] { diagnostic.Subject }.Concat(diagnostic.Related);
        return candidates.Select(OriginOf).FirstOrDefault(s => s is not null && SourceLocation(s) is not null);
    }

    private static ISymbol? OriginOf(object? model) => model switch
    {
        EntryTypeModel type => type.Origin as ISymbol,
        EntryMethodModel method => method.Origin as ISymbol,
        EntryParameterModel parameter => parameter.Origin as ISymbol,
        _ => null,
    };

    /// <summary>The other things a diagnostic points at (further overloads or suggestions), without its anchor.</summary>
    private static IEnumerable<Location> Related(EntryPointDiagnostic diagnostic, ISymbol? anchor) =>
        diagnostic.Related.Select(OriginOf)
            .Where(s => s is not null && !SymbolEqualityComparer.Default.Equals(s, anchor))
            .Select(s => SourceLocation(s!))
            .Where(l => l is not null)!;

    private static Location? SourceLocation(ISymbol symbol) => symbol.Locations.FirstOrDefault(l => l.IsInSource);

    private static Location ProjectLocation(string? projectPath) =>
        string.IsNullOrWhiteSpace(projectPath) ? Location.None : Location.Create(projectPath!, default, new LinePositionSpan(default, default));

    private static Diagnostic Create(EntryPointDiagnostic diagnostic, Location location, IEnumerable<Location> additional)
    {
        var suggestions = string.Join(";", EntryPointRules.SuggestedNames(diagnostic));
        var properties = ImmutableDictionary<string, string?>.Empty.Add(SuggestionsProperty, suggestions);
        return Diagnostic.Create(Descriptors[diagnostic.Code], location, additional, properties, diagnostic.Message);
    }
}
