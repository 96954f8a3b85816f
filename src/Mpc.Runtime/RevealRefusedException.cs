namespace Mpc.Runtime;

/// <summary>The reveal policy refused to open a secret value; the session aborts on every party.</summary>
public sealed class RevealRefusedException : ProtocolAbortedException
{
    public RevealRefusedException(string outputName, string message)
        : base(message)
    {
        OutputName = outputName;
    }

    public string OutputName { get; }
}
