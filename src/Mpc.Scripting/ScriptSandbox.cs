// Over 300 lines on purpose: one walker holds every refusal rule, so a reviewer audits the sandbox in one file.
using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Mpc.Scripting;

/// <summary>
/// The compile-time allow-list of protocol scripts, by symbol: every type, member, operator,
/// conversion, enumerator, awaiter and deconstructor a script binds to must be listed in
/// <see cref="ScriptApiAllowList"/> (or be declared by the script itself, whose declarations are
/// checked in turn). Constructs that cannot be confined in-process (unsafe code, attributes,
/// finalizers, static constructors, async void, lock, dynamic, typeof, #r and #load) are refused
/// outright. Every refusal names the file, line, column and symbol.
/// </summary>
public static class ScriptSandbox
{
    private const string Code = "MPC001";
    private const string Explanation = "protocol scripts may use the script API, System.Math, primitive types, strings, collections, LINQ and tasks; file, network, process, reflection, environment, threads, unsafe code and P/Invoke are not available";

    /// <summary>Everything in the script (the last syntax tree of the compilation) that the sandbox refuses, in source order.</summary>
    public static IReadOnlyList<ScriptDiagnostic> Check(Compilation compilation, SyntaxTree tree, string file)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(file);
        return new Walker(compilation, compilation.GetSemanticModel(tree), file).Run(tree.GetRoot());
    }

    // The one place refusals are worded.
    private static ScriptDiagnostic Refusal(string file, Location location, string what)
    {
        var start = location.GetLineSpan().StartLinePosition;
        return new ScriptDiagnostic(file, start.Line + 1, start.Character + 1, Code, $"{what} is not allowed: {Explanation}.");
    }

    private sealed class Walker(Compilation compilation, SemanticModel model, string file)
    {
        private static readonly ConcurrentDictionary<Type, PropertyInfo[]> SymbolProperties = new();

        // Generic types that never format their type arguments, so any allowed value may travel in them.
        private static readonly HashSet<string> Carriers =
        [
            "System.Threading.Tasks.Task`1", "System.Threading.Tasks.ValueTask`1", "System.Runtime.CompilerServices.TaskAwaiter`1", "System.Runtime.CompilerServices.ValueTaskAwaiter`1",
            "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1", "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter",
            "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1", "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter",
            "System.Func`1", "System.Func`2", "System.Func`3", "System.Func`4", "System.Func`5", "System.Action`1", "System.Action`2", "System.Action`3",
        ];

        private readonly List<ScriptDiagnostic> _problems = [];
        private readonly Dictionary<ITypeSymbol, string?> _typeVerdicts = new(SymbolEqualityComparer.IncludeNullability);

        public IReadOnlyList<ScriptDiagnostic> Run(SyntaxNode root)
        {
            if (root is CompilationUnitSyntax unit)
            {
                foreach (var directive in unit.GetReferenceDirectives().Cast<DirectiveTriviaSyntax>().Concat(unit.GetLoadDirectives()))
                    Report(directive, $"the directive '{directive.ToString().Trim()}'");
            }
            var operations = new HashSet<IOperation>();
            foreach (var node in root.DescendantNodesAndSelf())
            {
                CheckConstruct(node);
                CheckBindings(node);
                // Each operation tree is walked once, from its root.
                for (var operation = model.GetOperation(node); operation is not null; operation = operation.Parent)
                {
                    if (operation.Parent is null && operations.Add(operation)) CheckOperations(operation);
                }
            }
            // One report per line and message is enough.
            return _problems.GroupBy(p => (p.Line, p.Message)).Select(g => g.First()).OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
        }

        private void Report(SyntaxNode at, string what) => _problems.Add(Refusal(file, at.GetLocation(), what));

        // Language constructs that no allow-list entry could make safe.
        private void CheckConstruct(SyntaxNode node)
        {
            string? refused = node switch
            {
                UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax or StackAllocArrayCreationExpressionSyntax
                    or ImplicitStackAllocArrayCreationExpressionSyntax => "unsafe code",
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression or (int)SyntaxKind.PointerIndirectionExpression } => "unsafe code",
                MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.PointerMemberAccessExpression } => "unsafe code",
                UsingDirectiveSyntax { UnsafeKeyword.RawKind: (int)SyntaxKind.UnsafeKeyword } => "unsafe code",
                AttributeListSyntax => "an attribute (such as DllImport)",
                TypeOfExpressionSyntax => "typeof (reflection)",
                MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax => "__makeref, __reftype and __refvalue",
                ExpressionSyntax { RawKind: (int)SyntaxKind.ArgListExpression } => "__arglist",
                LockStatementSyntax => "lock",
                DestructorDeclarationSyntax => "a finalizer",
                ConstructorDeclarationSyntax constructor when constructor.Modifiers.Any(SyntaxKind.StaticKeyword) => "a static constructor",
                ExternAliasDirectiveSyntax => "an extern alias",
                _ => null,
            };
            if (refused is not null) Report(node, refused);

            var modifiers = node switch
            {
                MemberDeclarationSyntax member => member.Modifiers,
                LocalFunctionStatementSyntax local => local.Modifiers,
                LocalDeclarationStatementSyntax local => local.Modifiers,
                AnonymousFunctionExpressionSyntax function => function.Modifiers,
                _ => default,
            };
            if (modifiers.Any(SyntaxKind.UnsafeKeyword) || modifiers.Any(SyntaxKind.FixedKeyword)) Report(node, "unsafe code");
            if (modifiers.Any(SyntaxKind.ExternKeyword)) Report(node, "an extern declaration");
            // An async void body's exceptions escape to the thread pool, outside the session.
            if (node is AnonymousFunctionExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword } && model.GetSymbolInfo(node).Symbol is IMethodSymbol { ReturnsVoid: true })
                Report(node, "async void (an async lambda converted to a delegate that returns void, such as Action)");
        }

        // What the syntax binds to: symbols (and overload candidates), types before and after conversion,
        // user-defined conversions, declared symbols, and the methods the compiler calls implicitly.
        private void CheckBindings(SyntaxNode node)
        {
            var info = model.GetSymbolInfo(node);
            CheckSymbol(info.Symbol, node);
            foreach (var candidate in info.CandidateSymbols) CheckSymbol(candidate, node);
            if (node is ExpressionSyntax expression)
            {
                var type = model.GetTypeInfo(expression);
                CheckType(type.Type, node);
                CheckType(type.ConvertedType, node);
                CheckSymbol(model.GetConversion(expression).MethodSymbol, node);
            }
            if (model.GetDeclaredSymbol(node) is { } declared) CheckDeclaration(declared, node);
            switch (node)
            {
                case CommonForEachStatementSyntax forEach:
                    var loop = model.GetForEachStatementInfo(forEach);
                    CheckSymbol(loop.GetEnumeratorMethod, node);
                    CheckSymbol(loop.MoveNextMethod, node);
                    CheckSymbol(loop.CurrentProperty, node);
                    CheckSymbol(loop.DisposeMethod, node);
                    CheckType(loop.ElementType, node);
                    CheckSymbol(loop.ElementConversion.MethodSymbol, node);
                    CheckSymbol(loop.CurrentConversion.MethodSymbol, node);
                    if (forEach is ForEachVariableStatementSyntax deconstructing) CheckDeconstruction(model.GetDeconstructionInfo(deconstructing), node);
                    break;
                case AwaitExpressionSyntax awaited:
                    var awaiting = model.GetAwaitExpressionInfo(awaited);
                    CheckSymbol(awaiting.GetAwaiterMethod, node);
                    CheckSymbol(awaiting.IsCompletedProperty, node);
                    CheckSymbol(awaiting.GetResultMethod, node);
                    break;
                case AssignmentExpressionSyntax assignment when assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax:
                    CheckDeconstruction(model.GetDeconstructionInfo(assignment), node);
                    break;
                case QueryClauseSyntax clause:
                    var query = model.GetQueryClauseInfo(clause);
                    CheckSymbolInfo(query.CastInfo, node);
                    CheckSymbolInfo(query.OperationInfo, node);
                    break;
                case InitializerExpressionSyntax { RawKind: (int)SyntaxKind.CollectionInitializerExpression } initializer:
                    foreach (var element in initializer.Expressions) CheckSymbolInfo(model.GetCollectionInitializerSymbolInfo(element), element);
                    break;
            }
        }

        private void CheckSymbolInfo(SymbolInfo info, SyntaxNode node)
        {
            CheckSymbol(info.Symbol, node);
            foreach (var candidate in info.CandidateSymbols) CheckSymbol(candidate, node);
        }

        private void CheckDeconstruction(DeconstructionInfo info, SyntaxNode node)
        {
            CheckSymbol(info.Method, node);
            CheckSymbol(info.Conversion?.MethodSymbol, node);
            foreach (var nested in info.Nested) CheckDeconstruction(nested, node);
        }

        // What the compiled code does, including what the syntax does not show: operator methods,
        // interpolated-string handler calls, implicit conversions, initializers' Add calls, patterns' deconstructors.
        private void CheckOperations(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                var at = operation.Syntax;
                CheckType(operation.Type, at);
                foreach (var property in SymbolProperties.GetOrAdd(operation.GetType(), SymbolPropertiesOf))
                {
                    switch (property.GetValue(operation))
                    {
                        case ISymbol symbol:
                            CheckSymbol(symbol, at);
                            break;
                        case CommonConversion conversion:
                            CheckSymbol(conversion.MethodSymbol, at);
                            break;
                        case IEnumerable symbols:
                            foreach (var symbol in symbols.OfType<ISymbol>()) CheckSymbol(symbol, at);
                            break;
                    }
                }
                switch (operation)
                {
                    case IConversionOperation { Operand.Type: { } from, Type: { } to } when IsTalkative(from) && !IsTalkative(to):
                        Report(at, $"'{from.ToDisplayString()}' converted to '{to.ToDisplayString()}' (its ToString would show what the list withholds)");
                        break;
                    case IPatternOperation { InputType: { } input, NarrowedType: { } narrowed } when IsTalkative(input) && !IsTalkative(narrowed):
                        Report(at, $"'{input.ToDisplayString()}' matched as '{narrowed.ToDisplayString()}' (its ToString would show what the list withholds)");
                        break;
                    case IInterpolationOperation { Expression.Type: { } formatted } when IsTalkative(formatted):
                        Report(at, $"'{formatted.ToDisplayString()}' in an interpolated string (its ToString would show what the list withholds)");
                        break;
                    case IAssignmentOperation assignment:
                        CheckWritten(assignment.Target);
                        break;
                    case IIncrementOrDecrementOperation increment:
                        CheckWritten(increment.Target);
                        break;
                    case IAnonymousFunctionOperation { Symbol: { IsAsync: true, ReturnsVoid: true } }:
                        Report(at, "async void (an async lambda converted to a delegate that returns void, such as Action)");
                        break;
                    case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                        Report(at, "dynamic");
                        break;
                    case IMethodReferenceOperation { Method.ContainingType: { } declaring } when Metadata(declaring.OriginalDefinition) == "Mpc.Scripting.ScriptGlobals":
                        Report(at, $"'{Display(declaring)}.{((IMethodReferenceOperation)operation).Method.Name}' as a delegate (declarations are called directly, at the top level)");
                        break;
                    case IFunctionPointerInvocationOperation:
                        Report(at, "unsafe code");
                        break;
                }
            }
        }

        // Setting a property is allowed only where the list says so ("Name=" or "*"); reading it is not enough.
        private void CheckWritten(IOperation target)
        {
            switch (target)
            {
                case IPropertyReferenceOperation property:
                    CheckMember(property.Property, property.Syntax, write: true);
                    break;
                case ITupleOperation tuple:
                    foreach (var element in tuple.Elements) CheckWritten(element);
                    break;
            }
        }

        // Every symbol-valued property of an operation (target methods, operator methods, constructors, members, clone and deconstruct methods, conversions).
        private static PropertyInfo[] SymbolPropertiesOf(Type type) =>
            type.GetInterfaces()
                .Where(i => typeof(IOperation).IsAssignableFrom(i))
                .SelectMany(i => i.GetProperties())
                .Where(p => p.GetIndexParameters().Length == 0 && p.Name != nameof(IOperation.Parent) && (typeof(ISymbol).IsAssignableFrom(p.PropertyType) || p.PropertyType == typeof(CommonConversion) ||
                    p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>) && typeof(ISymbol).IsAssignableFrom(p.PropertyType.GetGenericArguments()[0])))
                .ToArray();

        private void CheckDeclaration(ISymbol declared, SyntaxNode node)
        {
            switch (declared)
            {
                case INamedTypeSymbol type when IsScriptType(type):
                    CheckType(type.BaseType, node);
                    // Interfaces inherited from an allowed base come with it (Exception's ISerializable); the script's own must be allowed.
                    foreach (var implemented in type.Interfaces) CheckType(implemented, node);
                    break;
                case IMethodSymbol method:
                    CheckSignature(method, node);
                    if (method.MethodKind == MethodKind.Destructor) Report(node, "a finalizer");
                    if (method.MethodKind == MethodKind.StaticConstructor) Report(node, "a static constructor");
                    if (method.IsExtern) Report(node, "an extern declaration");
                    if (method.IsVararg) Report(node, "__arglist");
                    if (method.IsAsync && method.ReturnsVoid) Report(node, "async void (an async method or local function that returns void)");
                    break;
                case IPropertySymbol or IFieldSymbol or IEventSymbol:
                    CheckSignature(declared, node);
                    break;
                case ILocalSymbol local:
                    CheckType(local.Type, node);
                    break;
                case IParameterSymbol parameter:
                    CheckType(parameter.Type, node);
                    break;
                case ITypeParameterSymbol typeParameter:
                    foreach (var constraint in typeParameter.ConstraintTypes) CheckType(constraint, node);
                    break;
            }
        }

        private void CheckSymbol(ISymbol? symbol, SyntaxNode at)
        {
            switch (symbol)
            {
                case null or INamespaceSymbol or ILabelSymbol or IPreprocessingSymbol or IRangeVariableSymbol:
                    return;
                case IAliasSymbol alias:
                    CheckSymbol(alias.Target, at);
                    return;
                case ITypeSymbol type:
                    CheckType(type, at);
                    return;
                case ILocalSymbol local:
                    CheckType(local.Type, at);
                    return;
                case IParameterSymbol parameter:
                    CheckType(parameter.Type, at);
                    return;
                case IDiscardSymbol discard:
                    CheckType(discard.Type, at);
                    return;
                case IMethodSymbol { MethodKind: MethodKind.ReducedExtension } reduced:
                    CheckMember(reduced.GetConstructedReducedFrom() ?? reduced.ReducedFrom ?? reduced, at, write: false);
                    return;
                case IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction } function:
                    CheckSignature(function, at);
                    return;
                case IMethodSymbol { MethodKind: MethodKind.FunctionPointerSignature }:
                    Report(at, "unsafe code");
                    return;
                case IMethodSymbol { AssociatedSymbol: IPropertySymbol or IEventSymbol } accessor:
                    CheckMember(accessor.AssociatedSymbol!, at, write: accessor.MethodKind is MethodKind.PropertySet);
                    return;
                default:
                    CheckMember(symbol, at, write: false);
                    return;
            }
        }

        private void CheckMember(ISymbol member, SyntaxNode at, bool write)
        {
            var containing = member.ContainingType;
            // Anonymous types hold the script's own values; error types are the compiler's to report.
            if (containing is not null && !IsScriptType(containing) && !containing.IsAnonymousType && containing is not IErrorTypeSymbol)
            {
                // A member of a type that is not listed is reported as its type, once.
                if (Verdict(containing) is { } refused)
                {
                    Report(at, refused);
                    return;
                }
                string type = Metadata(containing.OriginalDefinition);
                bool listed = ScriptApiAllowList.Types.TryGetValue(type, out var members) && (members.Contains("*") || members.Contains(write ? member.Name + "=" : member.Name));
                if (!listed || ScriptApiAllowList.DeniedMembers.Contains(type + "." + member.Name))
                    Report(at, $"'{Display(containing)}.{member.Name}'{(write ? " (setting it)" : "")}");
                // Declarations run once, at the top level, before approval; from a body, a label or a derivation they would change an approved protocol.
                else if (type == "Mpc.Scripting.ScriptGlobals" && at.AncestorsAndSelf().Any(IsDeferred))
                    Report(at, $"'{Display(containing)}.{member.Name}' outside the script's top-level statements");
            }
            CheckSignature(member, at);
        }

        // The types a member takes and returns must be allowed too (a listed type's member returning a Type, a MethodInfo or a TaskFactory is refused).
        private void CheckSignature(ISymbol member, SyntaxNode at)
        {
            switch (member)
            {
                case IMethodSymbol method:
                    CheckType(method.ReturnType, at);
                    foreach (var parameter in method.Parameters) CheckType(parameter.Type, at);
                    foreach (var argument in method.TypeArguments)
                    {
                        CheckType(argument, at);
                        // A generic method can call ToString on its T (string.Join, AppendFormatted).
                        if (IsTalkative(argument)) Report(at, $"'{argument.ToDisplayString()}' as a type argument of '{method.Name}' (its ToString would show what the list withholds)");
                    }
                    if (method.MethodKind == MethodKind.FunctionPointerSignature) Report(at, "unsafe code");
                    break;
                case IPropertySymbol property:
                    CheckType(property.Type, at);
                    foreach (var parameter in property.Parameters) CheckType(parameter.Type, at);
                    break;
                case IFieldSymbol field:
                    CheckType(field.Type, at);
                    break;
                case IEventSymbol @event:
                    CheckType(@event.Type, at);
                    break;
            }
        }

        private void CheckType(ITypeSymbol? type, SyntaxNode at)
        {
            if (type is not null && Verdict(type) is { } refused) Report(at, refused);
        }

        // Why a type may not appear in a script, or null when it may.
        private string? Verdict(ITypeSymbol type)
        {
            if (_typeVerdicts.TryGetValue(type, out var known)) return known;
            _typeVerdicts[type] = null;
            string? verdict = type switch
            {
                IArrayTypeSymbol array => Verdict(array.ElementType),
                IPointerTypeSymbol or IFunctionPointerTypeSymbol => "unsafe code (a pointer type)",
                IDynamicTypeSymbol => "dynamic",
                INamedTypeSymbol { IsAnonymousType: true } anonymous => anonymous.GetMembers().OfType<IPropertySymbol>().Select(p => Verdict(p.Type)).FirstOrDefault(v => v is not null),
                INamedTypeSymbol named and not IErrorTypeSymbol => NamedVerdict(named),
                _ => null,
            };
            _typeVerdicts[type] = verdict;
            return verdict;
        }

        private string? NamedVerdict(INamedTypeSymbol named)
        {
            if (!IsScriptType(named) && !ScriptApiAllowList.Types.ContainsKey(Metadata(named.OriginalDefinition))) return $"'{Display(named)}'";
            if (named.ContainingType is { } outer && Verdict(outer) is { } outerVerdict) return outerVerdict;
            if (!Carriers.Contains(Metadata(named.OriginalDefinition)) && named.TypeArguments.FirstOrDefault(IsTalkative) is { } talkative)
                return $"'{talkative.ToDisplayString()}' as a type argument of '{Display(named)}' (its ToString would show what the list withholds)";
            return named.TypeArguments.Select(Verdict).FirstOrDefault(v => v is not null);
        }

        // A value whose ToString is not allowed (records of the script API, exceptions with their stack trace) is kept to its own type:
        // converted to object, an interface or a type parameter, its ToString would be called anyway.
        private bool IsTalkative(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol array) return IsTalkative(array.ElementType);
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                var toString = current.GetMembers(nameof(ToString)).OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.IsEmpty && !m.IsStatic);
                if (toString is null) continue;
                if (IsScriptType(current) || current.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType) return false;
                // Other BCL types' ToString (a culture's name, a comparer's type) tells nothing the host keeps.
                if (!IsProjectType(current) && !IsException(current)) return false;
                return !(ScriptApiAllowList.Types.TryGetValue(Metadata(current.OriginalDefinition), out var members) && (members.Contains("*") || members.Contains("ToString")));
            }
            return false;
        }

        private static bool IsDeferred(SyntaxNode node) =>
            node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax || node is MemberDeclarationSyntax and not GlobalStatementSyntax;

        private static bool IsProjectType(INamedTypeSymbol type) => Metadata(type).StartsWith("Mpc.", StringComparison.Ordinal);

        private static bool IsException(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (Metadata(current) == "System.Exception") return true;
            }
            return false;
        }

        // Types the script declares itself live in its own submission assembly; their declarations are checked where they are written.
        private bool IsScriptType(INamedTypeSymbol type) => SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly);
    }

    private static string Metadata(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) name = outer.MetadataName + "+" + name;
        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }

    private static string Display(INamedTypeSymbol type) => type.OriginalDefinition.ToDisplayString();
}
