using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mpc.Scripting;

/// <summary>
/// The compile-time allow-list of protocol scripts. A script may use the script API
/// (Mpc.Scripting and the libraries registered with it), secrets, System.Math, primitive types,
/// strings, collections, LINQ and tasks. Everything else, in particular file, network, process,
/// reflection, environment, threads, unsafe code and P/Invoke, is rejected with its location.
/// </summary>
public static class ScriptSandbox
{
    private const string Code = "MPC001";
    private const string Explanation = "protocol scripts may use the script API, System.Math, primitive types, strings, collections, LINQ and tasks; file, network, process, reflection, environment, threads, unsafe code and P/Invoke are not available";

    private static readonly HashSet<string> AllowedNamespaces = ["Mpc.Scripting", "Mpc.Statistics", "Mpc.Boltzmann", "System.Collections.Generic", "System.Linq"];

    private static readonly HashSet<string> AllowedTypes =
    [
        "System.Void", "System.Math", "System.MathF", "System.Double", "System.Single", "System.Int16", "System.Int32", "System.Int64", "System.UInt16", "System.UInt32", "System.UInt64",
        "System.Byte", "System.SByte", "System.Boolean", "System.String", "System.Char", "System.Decimal", "System.Object", "System.Array", "System.Nullable`1",
        "System.Index", "System.Range", "System.UInt128", "System.Int128", "System.MidpointRounding", "System.StringComparison", "System.StringSplitOptions",
        "System.Comparison`1", "System.Predicate`1", "System.Converter`2", "System.IComparable`1", "System.IEquatable`1", "System.FormattableString",
        "System.Exception", "System.ArgumentException", "System.ArgumentOutOfRangeException", "System.InvalidOperationException",
        "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1", "System.Threading.Tasks.ValueTask", "System.Threading.Tasks.ValueTask`1",
        "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler",
        "Mpc.Runtime.Secret`1", "Mpc.Runtime.NoisedRelease", "Mpc.Federation.Protocols.ParameterType", "Mpc.Federation.Protocols.OutputKind",
    ];

    private static readonly HashSet<string> DeniedMembers =
    [
        "System.Object.GetType", "System.Threading.Tasks.Task.Run", "System.Threading.Tasks.Task.Factory", "System.Threading.Tasks.Task.Start",
        "System.Threading.Tasks.Task.RunSynchronously", "Mpc.Runtime.Secret`1.Runtime", "Mpc.Scripting.ScriptSession.Runtime",
    ];

    private static readonly object Gate = new();

    /// <summary>Lets scripts use a library namespace (protocol libraries such as survival analysis call this).</summary>
    public static void AllowNamespace(string name)
    {
        lock (Gate) AllowedNamespaces.Add(name);
    }

    public static IReadOnlyList<ScriptDiagnostic> Check(Compilation compilation, SyntaxTree tree, string file)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(tree);
        var model = compilation.GetSemanticModel(tree);
        var problems = new List<ScriptDiagnostic>();
        var root = tree.GetRoot();
        void Report(SyntaxNodeOrToken at, string what) =>
            problems.Add(new ScriptDiagnostic(file, at.GetLocation()!.GetLineSpan().StartLinePosition.Line + 1, at.GetLocation()!.GetLineSpan().StartLinePosition.Character + 1, Code, $"{what} is not allowed: {Explanation}."));

        foreach (var trivia in root.DescendantTrivia().Where(t => t.IsKind(SyntaxKind.ReferenceDirectiveTrivia) || t.IsKind(SyntaxKind.LoadDirectiveTrivia)))
            problems.Add(new ScriptDiagnostic(file, trivia.GetLocation().GetLineSpan().StartLinePosition.Line + 1, 1, Code, $"the directive '{trivia.ToString().Trim()}' is not allowed: {Explanation}."));

        foreach (var node in root.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax or StackAllocArrayCreationExpressionSyntax:
                    Report(node, "unsafe code");
                    continue;
                case AttributeListSyntax:
                    Report(node, "an attribute (such as DllImport)");
                    continue;
                case TypeOfExpressionSyntax:
                    Report(node, "typeof (reflection)");
                    continue;
                case MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                    Report(node, "__makeref, __reftype and __refvalue");
                    continue;
                case UsingDirectiveSyntax usingDirective when usingDirective.Name is { } name && !NamespaceAllowed(name.ToString()) && model.GetSymbolInfo(name).Symbol is not INamedTypeSymbol:
                    Report(node, $"using the namespace {name}");
                    continue;
            }
            if (node is MemberDeclarationSyntax member && member.Modifiers.Any(m => m.IsKind(SyntaxKind.UnsafeKeyword) || m.IsKind(SyntaxKind.ExternKeyword)))
                Report(node, "an unsafe or extern declaration");
            if (node is LocalFunctionStatementSyntax local && local.Modifiers.Any(m => m.IsKind(SyntaxKind.UnsafeKeyword) || m.IsKind(SyntaxKind.ExternKeyword)))
                Report(node, "an unsafe or extern local function");

            if (node is ExpressionSyntax or VariableDeclaratorSyntax)
            {
                var symbol = node is VariableDeclaratorSyntax declarator ? model.GetDeclaredSymbol(declarator) : model.GetSymbolInfo(node).Symbol ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault();
                if (symbol is not null && Describe(symbol) is { } denied)
                {
                    Report(node, denied);
                    continue;
                }
                if (node is ExpressionSyntax expression && model.GetTypeInfo(expression).Type is { } type && DescribeType(type) is { } deniedType)
                    Report(node, deniedType);
            }
        }
        // One report per line and symbol is enough.
        return problems.GroupBy(p => (p.Line, p.Message)).Select(g => g.First()).OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
    }

    private static string? Describe(ISymbol symbol)
    {
        switch (symbol)
        {
            case ILocalSymbol local:
                return DescribeType(local.Type);
            case IParameterSymbol or ILabelSymbol or IRangeVariableSymbol or IDiscardSymbol or INamespaceSymbol:
                return null;
            case INamedTypeSymbol type:
                return DescribeType(type);
            case IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction }:
                return null;
            case IMethodSymbol { MethodKind: MethodKind.ReducedExtension } reduced when reduced.ReducedFrom is { } original:
                return Describe(original);
        }
        var containing = symbol.ContainingType;
        if (containing is null) return null;
        if (IsScriptType(containing)) return null;
        string name = $"{Metadata(containing.OriginalDefinition)}.{symbol.Name}";
        if (DeniedMembers.Contains(name)) return $"'{Display(containing)}.{symbol.Name}'";
        return DescribeType(containing);
    }

    private static string? DescribeType(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return DescribeType(array.ElementType);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "a pointer type";
            case IDynamicTypeSymbol:
                return "dynamic";
            case ITypeParameterSymbol or IErrorTypeSymbol:
                return null;
            case INamedTypeSymbol named:
                if (named.IsAnonymousType || named.IsTupleType && named.TupleElements.All(e => DescribeType(e.Type) is null)) return null;
                if (IsScriptType(named)) return null;
                if (named.IsGenericType)
                {
                    foreach (var argument in named.TypeArguments)
                        if (DescribeType(argument) is { } denied) return denied;
                }
                if (named.TypeKind == TypeKind.Delegate && named.ContainingNamespace?.ToDisplayString() == "System" && (named.Name is "Func" or "Action")) return null;
                if (named.IsTupleType || named.OriginalDefinition.ContainingNamespace?.ToDisplayString() == "System" && named.Name is "ValueTuple" or "Tuple") return null;
                string metadata = Metadata(named.OriginalDefinition);
                if (AllowedTypes.Contains(metadata) || NamespaceAllowed(named.ContainingNamespace?.ToDisplayString() ?? "")) return null;
                if (metadata.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) && named.Name.EndsWith("Awaiter", StringComparison.Ordinal)) return null;
                return $"'{Display(named)}'";
            default:
                return null;
        }
    }

    private static bool NamespaceAllowed(string name)
    {
        lock (Gate) return AllowedNamespaces.Contains(name);
    }

    // Types declared by the script itself live in its own submission assembly.
    private static bool IsScriptType(INamedTypeSymbol type) =>
        type.ContainingAssembly?.Name.StartsWith("\u211B*", StringComparison.Ordinal) == true || type.ContainingAssembly?.IsInteractive == true;

    private static string Metadata(INamedTypeSymbol type)
    {
        string ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        string name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) name = outer.MetadataName + "." + name;
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string Display(INamedTypeSymbol type) => type.OriginalDefinition.ToDisplayString();
}
