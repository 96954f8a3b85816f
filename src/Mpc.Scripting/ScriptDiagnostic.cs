namespace Mpc.Scripting;

/// <summary>One compile or sandbox error in a script, with its location.</summary>
public sealed record ScriptDiagnostic(string File, int Line, int Column, string Code, string Message)
{
    public override string ToString() => $"{File}({Line},{Column}): error {Code}: {Message}";
}
