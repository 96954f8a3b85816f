using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Mpc.Scripting;

/// <summary>
/// Inserts <c>global::Mpc.Scripting.ScriptGuard.Tick();</c> (a static call no script name can
/// shadow) at the start of every loop body, after every label (goto loops), at the start of every
/// switch section (goto case loops), lambda, anonymous method, local function, and every method,
/// constructor, accessor and operator the script declares; query clauses pass through
/// <see cref="ScriptGuard.Pass"/>. Expression bodies become blocks on the same line; no line is
/// added, so line numbers stay the script's.
/// </summary>
internal sealed class LoopGuardRewriter(SemanticModel model) : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax Tick = ParseStatement("global::Mpc.Scripting.ScriptGuard.Tick(); ");
    private static readonly ExpressionSyntax Pass = ParseExpression("global::Mpc.Scripting.ScriptGuard.Pass");

    /// <summary>The guarded text of a script tree; <paramref name="model"/> is the tree's semantic model in the script's compilation.</summary>
    public static string Rewrite(SyntaxTree tree, SemanticModel model)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(model);
        string guarded = new LoopGuardRewriter(model).Visit(tree.GetRoot())!.ToFullString();
        // Diagnostics and stack traces name the script's lines, so the guard must never move one.
        if (SourceText.From(guarded).Lines.Count != tree.GetText().Lines.Count) throw new InvalidOperationException(ScriptingErrors.GuardChangedLines);
        return guarded;
    }

    // Loops.

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(Guarded(visited.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(Guarded(visited.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(Guarded(visited.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(Guarded(visited.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(Guarded(visited.Statement));
    }

    // Statement lists: labels (goto targets) and switch sections (goto case targets).

    public override SyntaxNode? VisitBlock(BlockSyntax node)
    {
        var visited = (BlockSyntax)base.VisitBlock(node)!;
        return visited.WithStatements(AfterLabels(visited.Statements));
    }

    public override SyntaxNode? VisitSwitchSection(SwitchSectionSyntax node)
    {
        var visited = (SwitchSectionSyntax)base.VisitSwitchSection(node)!;
        return visited.WithStatements(Prepend(AfterLabels(visited.Statements)));
    }

    // Lambdas, anonymous methods and local functions.

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        if (IsExpressionTree(node)) return node;
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        if (visited.Block is { } block) return visited.WithBlock(Prepend(block));
        return visited.WithExpressionBody(null).WithBlock(Body(visited.ExpressionBody!, ReturnsValue(model.GetSymbolInfo(node).Symbol), null, default));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        if (IsExpressionTree(node)) return node;
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        if (visited.Block is { } block) return visited.WithBlock(Prepend(block));
        return visited.WithExpressionBody(null).WithBlock(Body(visited.ExpressionBody!, ReturnsValue(model.GetSymbolInfo(node).Symbol), null, default));
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var visited = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return visited.WithBlock(Prepend(visited.Block));
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        if (visited.Body is { } body) return visited.WithBody(Prepend(body));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(Body(arrow.Expression, ReturnsValue(model.GetDeclaredSymbol(node)), arrow.ArrowToken, visited.SemicolonToken));
    }

    // Query clauses: the compiler makes each of these expressions a lambda run per element, so each passes the guard.

    public override SyntaxNode? VisitWhereClause(WhereClauseSyntax node)
    {
        var visited = (WhereClauseSyntax)base.VisitWhereClause(node)!;
        return visited.WithCondition(Passed(visited.Condition));
    }

    public override SyntaxNode? VisitSelectClause(SelectClauseSyntax node)
    {
        var visited = (SelectClauseSyntax)base.VisitSelectClause(node)!;
        return visited.WithExpression(Passed(visited.Expression));
    }

    public override SyntaxNode? VisitLetClause(LetClauseSyntax node)
    {
        var visited = (LetClauseSyntax)base.VisitLetClause(node)!;
        return visited.WithExpression(Passed(visited.Expression));
    }

    public override SyntaxNode? VisitOrdering(OrderingSyntax node)
    {
        var visited = (OrderingSyntax)base.VisitOrdering(node)!;
        return visited.WithExpression(Passed(visited.Expression));
    }

    public override SyntaxNode? VisitJoinClause(JoinClauseSyntax node)
    {
        var visited = (JoinClauseSyntax)base.VisitJoinClause(node)!;
        return visited.WithLeftExpression(Passed(visited.LeftExpression)).WithRightExpression(Passed(visited.RightExpression));
    }

    public override SyntaxNode? VisitGroupClause(GroupClauseSyntax node)
    {
        var visited = (GroupClauseSyntax)base.VisitGroupClause(node)!;
        return visited.WithGroupExpression(Passed(visited.GroupExpression)).WithByExpression(Passed(visited.ByExpression));
    }

    // The first from clause's source is evaluated once; a later one's is a lambda per element.
    public override SyntaxNode? VisitFromClause(FromClauseSyntax node)
    {
        var visited = (FromClauseSyntax)base.VisitFromClause(node)!;
        return node.Parent is QueryBodySyntax ? visited.WithExpression(Passed(visited.Expression)) : visited;
    }

    private static ExpressionSyntax Passed(ExpressionSyntax expression) =>
        InvocationExpression(Pass, ArgumentList(SingletonSeparatedList(Argument(expression.WithoutTrivia())))).WithTriviaFrom(expression);

    // Members of the script and of the types it declares.

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node) => Member(node, base.VisitMethodDeclaration(node));

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node) => Member(node, base.VisitConstructorDeclaration(node));

    public override SyntaxNode? VisitDestructorDeclaration(DestructorDeclarationSyntax node) => Member(node, base.VisitDestructorDeclaration(node));

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node) => Member(node, base.VisitOperatorDeclaration(node));

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node) => Member(node, base.VisitConversionOperatorDeclaration(node));

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var visited = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        if (visited.Body is { } body) return visited.WithBody(Prepend(body));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(Body(arrow.Expression, ReturnsValue(model.GetDeclaredSymbol(node)), arrow.ArrowToken, visited.SemicolonToken));
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        var visited = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(Getter(arrow, visited.SemicolonToken));
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var visited = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(Getter(arrow, visited.SemicolonToken));
    }

    private SyntaxNode Member(BaseMethodDeclarationSyntax original, SyntaxNode? visitedNode)
    {
        var visited = (BaseMethodDeclarationSyntax)visitedNode!;
        if (visited.Body is { } body) return visited.WithBody(Prepend(body));
        if (visited.ExpressionBody is not { } arrow) return visited;
        return visited.WithExpressionBody(null).WithSemicolonToken(default)
            .WithBody(Body(arrow.Expression, ReturnsValue(model.GetDeclaredSymbol(original)), arrow.ArrowToken, visited.SemicolonToken));
    }

    // `=> expr;` of a property or indexer becomes `{ get { Tick(); return expr; } }`.
    private static AccessorListSyntax Getter(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon)
    {
        var body = Body(arrow.Expression, returnsValue: true, arrow.ArrowToken, semicolon);
        var getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, body.WithLeadingTrivia(Space).WithoutTrailingTrivia()).WithKeyword(Token(SyntaxKind.GetKeyword).WithLeadingTrivia(Space));
        return AccessorList(Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(body.GetLeadingTrivia()), List([getter.WithoutTrailingTrivia()]),
            Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Space).WithTrailingTrivia(body.GetTrailingTrivia()));
    }

    /// <summary>
    /// An expression body as a block on the same lines: <c>{ Tick(); return expr; }</c>, or
    /// <c>{ Tick(); expr; }</c> when nothing is returned, or <c>{ Tick(); throw e; }</c>.
    /// </summary>
    private static BlockSyntax Body(ExpressionSyntax expression, bool returnsValue, SyntaxToken? arrow, SyntaxToken semicolon)
    {
        // The arrow goes (members only); its trivia, the expression's and the semicolon's all stay in the text.
        var leading = arrow is { } a ? a.LeadingTrivia.AddRange(a.TrailingTrivia).AddRange(expression.GetLeadingTrivia()) : expression.GetLeadingTrivia();
        var trailing = expression.GetTrailingTrivia();
        if (!semicolon.IsKind(SyntaxKind.None)) trailing = trailing.AddRange(semicolon.LeadingTrivia).AddRange(semicolon.TrailingTrivia);
        var bare = expression.WithoutTrivia();
        var end = Token(SyntaxKind.SemicolonToken);
        StatementSyntax statement = bare switch
        {
            ThrowExpressionSyntax thrown => ThrowStatement(default, thrown.ThrowKeyword.WithTrailingTrivia(Space), thrown.Expression.WithoutTrivia(), end),
            _ when returnsValue => ReturnStatement(Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(Space), bare, end),
            _ => ExpressionStatement(bare, end),
        };
        return Block(Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(leading).WithTrailingTrivia(Space), List([Tick, statement]),
            Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Space).WithTrailingTrivia(trailing));
    }

    // A void body, or an async body whose task carries no value, takes the expression as a statement.
    private static bool ReturnsValue(ISymbol? symbol) => symbol switch
    {
        IMethodSymbol { ReturnsVoid: true } => false,
        IMethodSymbol { IsAsync: true, ReturnType: INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" } task } => task.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks",
        _ => true,
    };

    // Expression trees cannot hold statement bodies, and they never run script code of their own.
    private bool IsExpressionTree(AnonymousFunctionExpressionSyntax lambda) =>
        model.GetTypeInfo(lambda).ConvertedType is INamedTypeSymbol { Name: "Expression" or "LambdaExpression" } type && type.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions";

    private static StatementSyntax Guarded(StatementSyntax statement) => statement is BlockSyntax block
        ? Prepend(block)
        : Block(Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(statement.GetLeadingTrivia()), List([Tick, statement.WithoutTrivia()]),
            Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Space).WithTrailingTrivia(statement.GetTrailingTrivia()));

    private static BlockSyntax Prepend(BlockSyntax block)
    {
        if (block.Statements.Count > 0) return block.WithStatements(Prepend(block.Statements));
        var close = block.CloseBraceToken;
        return block.WithStatements(List([Tick.WithLeadingTrivia(close.LeadingTrivia)])).WithCloseBraceToken(close.WithLeadingTrivia());
    }

    // The tick takes the first statement's leading trivia (comments, directives) so it lands on that statement's line.
    private static SyntaxList<StatementSyntax> Prepend(SyntaxList<StatementSyntax> statements)
    {
        if (statements.Count == 0) return List([Tick]);
        var first = statements[0];
        return statements.Replace(first, first.WithoutLeadingTrivia()).Insert(0, Tick.WithLeadingTrivia(first.GetLeadingTrivia()));
    }

    // `label: S` becomes `label: Tick(); S`, so every goto back to a label ticks; nested labels each get one.
    private static SyntaxList<StatementSyntax> AfterLabels(SyntaxList<StatementSyntax> statements)
    {
        if (!statements.Any(s => s is LabeledStatementSyntax)) return statements;
        var result = new List<StatementSyntax>();
        foreach (var statement in statements)
        {
            var current = statement;
            while (current is LabeledStatementSyntax labeled)
            {
                result.Add(labeled.WithStatement(Tick.WithLeadingTrivia(labeled.Statement.GetLeadingTrivia())));
                current = labeled.Statement.WithoutLeadingTrivia();
            }
            result.Add(current);
        }
        return List(result);
    }
}
