using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Mpc.Federation.Protocols;
using OutputKind = Mpc.Federation.Protocols.OutputKind;

namespace Mpc.Scripting;

/// <summary>
/// Reads a script's declarations from its syntax tree and semantic model, never by running it.
/// The top level may hold only using directives, declaration calls (<see cref="ScriptGlobals"/>
/// methods called by simple name, with compile-time constant arguments and lambdas written in
/// place) and member declarations that run only when the body calls them; anything else is an
/// error naming file and line.
/// </summary>
internal static partial class ScriptDeclarationReader
{
    private const string LoadTimeCode = "MPC006";

    /// <summary>The declarations of a compiled script (which has no compiler errors); problems are added to <paramref name="errors"/>.</summary>
    public static ScriptDeclarations Read(Compilation compilation, SyntaxTree tree, string file, List<ScriptDiagnostic> errors)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(errors);
        var reader = new Reader(compilation.GetSemanticModel(tree), file, errors);
        reader.ReadTopLevel((CompilationUnitSyntax)tree.GetRoot());
        reader.ReadOutputNames(tree.GetRoot());
        return reader.Finish();
    }

    private sealed partial class Reader(SemanticModel model, string file, List<ScriptDiagnostic> errors)
    {
        private readonly List<ParameterDefinition> _parameters = [];
        private readonly List<(OutputDefinition Output, SyntaxNode At)> _outputs = [];
        private readonly List<string> _stages = [];
        private readonly List<(string Output, SyntaxNode At)> _labels = [];
        private readonly List<(string Call, string Output, SyntaxNode At)> _outputNames = [];
        private readonly HashSet<string> _seen = [];
        private string _description = "";
        private int _fractionalBits = ScriptDeclarations.DefaultFractionalBits;
        private bool _missingValuesAllowed;
        private bool _derivation;
        private bool _run;

        public void ReadTopLevel(CompilationUnitSyntax root)
        {
            foreach (var member in root.Members)
            {
                switch (member)
                {
                    case GlobalStatementSyntax global:
                        ReadStatement(global.Statement);
                        break;
                    case FieldDeclarationSyntax field when !field.Modifiers.Any(SyntaxKind.ConstKeyword):
                        Error(field, ScriptingErrors.TopLevelCode, ScriptingErrors.TopLevelOnlyDeclares("a variable declaration"));
                        break;
                    case PropertyDeclarationSyntax { Initializer: not null } property:
                        Error(property, ScriptingErrors.TopLevelCode, ScriptingErrors.TopLevelOnlyDeclares("a property initializer"));
                        break;
                    case EventFieldDeclarationSyntax events when events.Declaration.Variables.Any(v => v.Initializer is not null):
                        Error(events, ScriptingErrors.TopLevelCode, ScriptingErrors.TopLevelOnlyDeclares("an event initializer"));
                        break;
                    case FieldDeclarationSyntax or PropertyDeclarationSyntax or EventFieldDeclarationSyntax or EventDeclarationSyntax
                        or BaseMethodDeclarationSyntax or BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or IndexerDeclarationSyntax:
                        // Declared, not executed: runs only if the body calls it.
                        break;
                    default:
                        Error(member, ScriptingErrors.TopLevelCode, ScriptingErrors.TopLevelOnlyDeclares("this declaration"));
                        break;
                }
            }
            // The sandbox refuses attributes too; a module initializer would run on load, so it is refused here as well.
            foreach (var attribute in root.DescendantNodes().OfType<AttributeSyntax>())
                if (model.GetSymbolInfo(attribute).Symbol?.ContainingType is { Name: "ModuleInitializerAttribute" } type && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices")
                    Error(attribute, LoadTimeCode, ScriptingErrors.ModuleInitializer);
        }

        public ScriptDeclarations Finish()
        {
            if (!_run) errors.Add(new ScriptDiagnostic(file, 1, 1, ScriptingErrors.MissingRunCode, ScriptingErrors.MissingRun));
            var derived = _outputs.Where(o => o.Output.Kind == OutputKind.Derived).ToList();
            if (derived.Count > 0 && !_derivation)
                Error(derived[0].At, ScriptingErrors.UndeclaredDerivationCode, ScriptingErrors.UndeclaredDerivation(derived.Select(o => o.Output.Name)));
            foreach (var (output, at) in _labels.Where(l => _outputs.All(o => o.Output.Name != l.Output)))
                Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.LabelOfUndeclaredOutput(output));
            foreach (var (call, output, at) in _outputNames.Where(n => _outputs.All(o => o.Output.Name != n.Output)))
                Error(at, ScriptingErrors.UndeclaredOutputCode, ScriptingErrors.UndeclaredOutput(call, output));
            return new ScriptDeclarations(_description, _parameters, _outputs.Select(o => o.Output).ToList(), _fractionalBits, _missingValuesAllowed, _stages,
                _labels.Select(l => l.Output).ToHashSet(StringComparer.Ordinal), _derivation);
        }

        /// <summary>
        /// Notes every output a call of the script API names with a constant (mpc.Output("x", ...), a library's
        /// constantOutput: "x"), wherever it is, for <see cref="Finish"/> to check against the declarations. A name
        /// computed at run time cannot be read here: the party's reveal policy refuses it when the session opens it.
        /// </summary>
        public void ReadOutputNames(SyntaxNode root)
        {
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetOperation(invocation) is not IInvocationOperation { TargetMethod: var method } operation || !IsScriptApi(method.ContainingType)) continue;
                foreach (var argument in operation.Arguments)
                {
                    // Library defaults ("pooled_sums") name outputs only some modes open, so only names the script writes count.
                    if (argument.ArgumentKind != ArgumentKind.Explicit || !NamesOutput(argument.Parameter)) continue;
                    if (argument.Value.ConstantValue is { HasValue: true, Value: string output })
                        _outputNames.Add(($"{Receiver(method.ContainingType)}.{method.Name}", output, argument.Syntax));
                }
            }
        }

        // Output(name), OutputCounts(name), ReleaseCounts(name), CheckGroups(output) and the libraries' *Output parameters.
        private static bool NamesOutput(IParameterSymbol? parameter) => parameter is { Type.SpecialType: SpecialType.System_String } p
            && (p.ContainingSymbol.Name is nameof(ScriptSession.Output) or nameof(ScriptSession.OutputCounts) or nameof(ScriptSession.ReleaseCounts) ? p.Name == "name"
                : p.Name == "output" || p.Name.EndsWith("Output", StringComparison.Ordinal));

        // As the analyst writes the call: mpc.Output, mpc.Regression.Logistic.
        private static string Receiver(INamedTypeSymbol type) => type.Name switch
        {
            nameof(ScriptSession) => "mpc",
            nameof(SurvivalApi) => "mpc.Survival",
            nameof(RegressionApi) => "mpc.Regression",
            nameof(BoltzmannApi) => "mpc.Boltzmann",
            _ => type.Name,
        };

        private static bool IsScriptApi(INamedTypeSymbol? type) =>
            type is { ContainingNamespace: var ns, ContainingAssembly: var assembly } && type.Name != nameof(ScriptGlobals)
            && ns.ToDisplayString() == typeof(ScriptSession).Namespace && assembly.Name == typeof(ScriptSession).Assembly.GetName().Name;

        private void ReadStatement(StatementSyntax statement)
        {
            switch (statement)
            {
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: IdentifierNameSyntax } invocation }
                    when model.GetOperation(invocation) is IInvocationOperation { TargetMethod: var method } operation && IsDeclaration(method):
                    ReadDeclaration(operation, invocation);
                    break;
                case EmptyStatementSyntax or LocalFunctionStatementSyntax:
                    break;
                default:
                    Error(statement, ScriptingErrors.TopLevelCode, ScriptingErrors.TopLevelOnlyDeclares(What(statement)));
                    break;
            }
        }

        private void ReadDeclaration(IInvocationOperation operation, InvocationExpressionSyntax at)
        {
            string name = operation.TargetMethod.Name;
            switch (name)
            {
                case nameof(ScriptGlobals.Describe):
                    if (Once(name, at)) _description = Text(operation, "description", at) ?? "";
                    break;
                case nameof(ScriptGlobals.Parameter):
                    ReadParameter(operation, at);
                    break;
                case nameof(ScriptGlobals.Output):
                    ReadOutput(operation, at);
                    break;
                case nameof(ScriptGlobals.Precision):
                    if (Once(name, at) && Constant(operation, "fractionalBits", at) is int bits)
                    {
                        if (bits is < 1 or > ScriptDeclarations.DefaultFractionalBits) Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.PrecisionOutOfRange(bits));
                        else _fractionalBits = bits;
                    }
                    break;
                case nameof(ScriptGlobals.AllowMissingValues):
                    if (Once(name, at)) _missingValuesAllowed = true;
                    break;
                case nameof(ScriptGlobals.Stage):
                    if (Name(operation, "name", at) is { } stage)
                    {
                        if (_stages.Contains(stage)) Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.DeclaredTwice($"stage '{stage}'"));
                        else _stages.Add(stage);
                    }
                    break;
                case nameof(ScriptGlobals.Label):
                    if (Name(operation, "output", at) is { } output && Lambda(operation, "labels", at))
                    {
                        if (_labels.Any(l => l.Output == output)) Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.DeclaredTwice($"the label of output '{output}'"));
                        else _labels.Add((output, at));
                    }
                    break;
                case nameof(ScriptGlobals.Derive):
                    // Present even when malformed, so one mistake is reported once.
                    if (Once(name, at)) _derivation = Lambda(operation, "derivation", at) || true;
                    break;
                case nameof(ScriptGlobals.Run):
                    if (Once(name, at)) _run = Lambda(operation, "body", at) || true;
                    break;
                default:
                    Error(at, ScriptingErrors.TopLevelCode, ScriptingErrors.TopLevelOnlyDeclares($"a call to {name}"));
                    break;
            }
        }

        private void ReadParameter(IInvocationOperation operation, InvocationExpressionSyntax at)
        {
            var name = Name(operation, "name", at);
            var type = Member<ParameterType>(operation, "type", at);
            var defaultValue = Constant(operation, "defaultValue", at, out bool defaultIsConstant);
            string? description = Text(operation, "description", at);
            if (name is null || type is null || !defaultIsConstant || description is null) return;
            if (_parameters.Any(p => p.Name == name))
                Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.DeclaredTwice($"parameter '{name}'"));
            else
                _parameters.Add(new ParameterDefinition(name, type.Value, (string?)defaultValue, description));
        }

        private void ReadOutput(IInvocationOperation operation, InvocationExpressionSyntax at)
        {
            var name = Name(operation, "name", at);
            var kind = operation.Arguments.Any(a => a.Parameter?.Name == "kind") ? Member<OutputKind>(operation, "kind", at) : OutputKind.Exact;
            string? description = Text(operation, "description", at);
            if (name is null || kind is null || description is null) return;
            if (_outputs.Any(o => o.Output.Name == name))
                Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.DeclaredTwice($"output '{name}'"));
            else
                _outputs.Add((new OutputDefinition(name, kind.Value, description), at));
        }

        // Describe, Precision, AllowMissingValues, Derive and Run are declared at most once.
        private bool Once(string declaration, SyntaxNode at)
        {
            if (_seen.Add(declaration)) return true;
            Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.DeclaredTwice($"{declaration}(...)"));
            return false;
        }

        private static bool IsDeclaration(IMethodSymbol method) =>
            method.ContainingType is { Name: nameof(ScriptGlobals), ContainingNamespace: var ns, ContainingAssembly: var assembly }
            && ns.ToDisplayString() == typeof(ScriptGlobals).Namespace
            && assembly.Name == typeof(ScriptGlobals).Assembly.GetName().Name;

        private static string What(StatementSyntax statement) => statement switch
        {
            LocalDeclarationStatementSyntax => "a variable declaration",
            WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax => "a loop",
            LabeledStatementSyntax or GotoStatementSyntax => "a label or goto",
            ExpressionStatementSyntax { Expression: AwaitExpressionSyntax } => "an await",
            ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } => $"a call to {Shorten(invocation.Expression.ToString())}",
            ExpressionStatementSyntax => "an expression",
            _ => "this statement",
        };

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

        private void Error(SyntaxNode at, string code, string message)
        {
            var position = at.GetLocation().GetLineSpan().StartLinePosition;
            errors.Add(new ScriptDiagnostic(file, position.Line + 1, position.Character + 1, code, message));
        }
    }
}
