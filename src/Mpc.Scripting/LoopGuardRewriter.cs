using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mpc.Scripting;

/// <summary>
/// Inserts `Guard.Tick();` at the start of every loop body, lambda and local function body,
/// without adding lines, so the time limit holds in tight loops and line numbers stay the script's.
/// </summary>
internal sealed class LoopGuardRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax Tick = SyntaxFactory.ParseStatement("Guard.Tick(); ");

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node) => ((WhileStatementSyntax)base.VisitWhileStatement(node)!).WithStatement(Guarded(node.Statement, Visit(node.Statement)));

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node) => ((DoStatementSyntax)base.VisitDoStatement(node)!).WithStatement(Guarded(node.Statement, Visit(node.Statement)));

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node) => ((ForStatementSyntax)base.VisitForStatement(node)!).WithStatement(Guarded(node.Statement, Visit(node.Statement)));

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node) => ((ForEachStatementSyntax)base.VisitForEachStatement(node)!).WithStatement(Guarded(node.Statement, Visit(node.Statement)));

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        return visited.Body is null ? visited : visited.WithBody(Prepend(visited.Body));
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return visited.Block is null ? visited : visited.WithBlock(Prepend(visited.Block));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return visited.Block is null ? visited : visited.WithBlock(Prepend(visited.Block));
    }

    private static StatementSyntax Guarded(StatementSyntax original, SyntaxNode? visited)
    {
        var statement = (StatementSyntax)(visited ?? original);
        return statement is BlockSyntax block
            ? Prepend(block)
            : SyntaxFactory.Block(Tick, statement.WithoutTrivia()).WithLeadingTrivia(statement.GetLeadingTrivia()).WithTrailingTrivia(statement.GetTrailingTrivia());
    }

    private static BlockSyntax Prepend(BlockSyntax block) => block.WithStatements(block.Statements.Insert(0, Tick));
}
