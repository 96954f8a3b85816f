using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Mpc.Scripting;

// A declaration call's arguments as the reader accepts them: compile-time constants (names, texts, enum members) and lambdas written in place.
internal static partial class ScriptDeclarationReader
{
    private sealed partial class Reader
    {
        private string? Name(IInvocationOperation operation, string parameter, SyntaxNode at)
        {
            var value = Constant(operation, parameter, at, out bool ok);
            if (!ok) return null;
            if (value is string name && !string.IsNullOrWhiteSpace(name)) return name;
            Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.Empty(operation.TargetMethod.Name, parameter));
            return null;
        }

        // A null description reads as "", as ScriptGlobals treats it.
        private string? Text(IInvocationOperation operation, string parameter, SyntaxNode at)
        {
            var value = Constant(operation, parameter, at, out bool ok);
            return ok ? value as string ?? "" : null;
        }

        private TEnum? Member<TEnum>(IInvocationOperation operation, string parameter, SyntaxNode at) where TEnum : struct, Enum
        {
            var value = Constant(operation, parameter, at, out bool ok);
            if (!ok || value is null) return null;
            var member = (TEnum)Enum.ToObject(typeof(TEnum), value);
            if (Enum.IsDefined(member)) return member;
            Error(at, ScriptingErrors.DeclarationCode, ScriptingErrors.NotAMember(typeof(TEnum).Name, value));
            return null;
        }

        private object? Constant(IInvocationOperation operation, string parameter, SyntaxNode at) => Constant(operation, parameter, at, out _);

        private object? Constant(IInvocationOperation operation, string parameter, SyntaxNode at, out bool ok)
        {
            var argument = Argument(operation, parameter);
            var constant = argument?.Value.ConstantValue ?? default;
            ok = constant.HasValue;
            if (!ok) Error(argument?.Syntax ?? at, ScriptingErrors.DeclarationCode, ScriptingErrors.NotConstant(operation.TargetMethod.Name, parameter));
            return ok ? constant.Value : null;
        }

        private bool Lambda(IInvocationOperation operation, string parameter, SyntaxNode at)
        {
            var argument = Argument(operation, parameter);
            var expression = (argument?.Syntax as ArgumentSyntax)?.Expression;
            while (expression is ParenthesizedExpressionSyntax parenthesized) expression = parenthesized.Expression;
            if (expression is AnonymousFunctionExpressionSyntax) return true;
            Error(argument?.Syntax ?? at, ScriptingErrors.DeclarationCode, ScriptingErrors.NotALambda(operation.TargetMethod.Name));
            return false;
        }

        private static IArgumentOperation? Argument(IInvocationOperation operation, string parameter) =>
            operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter);
    }
}
