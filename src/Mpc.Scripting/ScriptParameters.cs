using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

/// <summary>Typed access to a session's bound parameters, for scripts.</summary>
public sealed class ScriptParameters
{
    private readonly ProtocolParameters _parameters;

    internal ScriptParameters(ProtocolParameters parameters) => _parameters = parameters;

    /// <summary>A text (or column) parameter.</summary>
    /// <example>var column = p.Text("column");</example>
    public string Text(string name) => _parameters.Text(name);

    /// <summary>A number parameter.</summary>
    /// <example>double epsilon = p.Number("epsilon");</example>
    public double Number(string name) => _parameters.Number(name);

    /// <summary>An integer parameter.</summary>
    /// <example>int steps = p.Integer("steps");</example>
    public int Integer(string name) => _parameters.Integer(name);

    /// <summary>A boolean parameter ("true" or "false").</summary>
    /// <example>bool intercept = p.Flag("intercept");</example>
    public bool Flag(string name) => _parameters.Boolean(name);

    /// <summary>A comma-separated list parameter (such as a column list), as its items.</summary>
    /// <example>var names = p.List("features").Prepend("(Intercept)").ToList();</example>
    public IReadOnlyList<string> List(string name) => _parameters.List(name);

    /// <summary>A comma-separated list of numbers.</summary>
    /// <example>double[] levels = p.Numbers("levels");</example>
    public double[] Numbers(string name) => _parameters.Numbers(name);
}
