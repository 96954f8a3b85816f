namespace Mpc.Scripting;

/// <summary>A script does not compile, or uses something outside the sandbox; every error is listed with file and line.</summary>
public sealed class ScriptCompilationException(IReadOnlyList<ScriptDiagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<ScriptDiagnostic> Diagnostics { get; } = diagnostics;
}
