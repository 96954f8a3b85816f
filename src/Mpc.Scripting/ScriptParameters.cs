using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

/// <summary>Typed access to a session's bound parameters, for scripts.</summary>
public sealed class ScriptParameters
{
    private readonly ProtocolParameters _parameters;

    internal ScriptParameters(ProtocolParameters parameters) => _parameters = parameters;

    public string Text(string name) => _parameters.Text(name);

    public double Number(string name) => _parameters.Number(name);

    public int Integer(string name) => _parameters.Integer(name);

    public bool Flag(string name) => _parameters.Boolean(name);

    public IReadOnlyList<string> List(string name) => _parameters.List(name);

    public double[] Numbers(string name) => _parameters.Numbers(name);
}
