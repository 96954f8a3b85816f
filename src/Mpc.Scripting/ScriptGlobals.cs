using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

/// <summary>
/// What a protocol script's top level sees: declarations only. A script declares its parameters
/// and outputs, then hands its body to <see cref="Run"/>; the body receives the session API when a
/// session runs it. Reading a script never runs it: `mpc describe`, `mpc approve` and a party's
/// admission read these calls from the syntax (<see cref="ScriptDeclarations"/>); only a run, or
/// the analyst's own client for labels and derivations, executes the top level.
/// </summary>
public sealed class ScriptGlobals
{
    internal List<ParameterDefinition> DeclaredParameters { get; } = [];

    internal List<OutputDefinition> DeclaredOutputs { get; } = [];

    internal string DeclaredDescription { get; private set; } = "";

    internal int DeclaredFractionalBits { get; private set; } = 40;

    internal Func<ScriptSession, Task>? Body { get; private set; }

    internal bool MissingValuesAllowed { get; private set; }

    internal Func<IReadOnlyDictionary<string, double[]>, ScriptParameters, IReadOnlyDictionary<string, double[]>>? Derivation { get; private set; }

    internal Dictionary<string, Func<ScriptParameters, IReadOnlyList<string>>> OutputLabels { get; } = [];

    internal List<string> DeclaredStages { get; } = [];

    /// <summary>Names for the elements of an output (such as coefficient names), from the parameters; shown as an object in results.</summary>
    /// <example>Label("coefficients", p =&gt; p.List("features"));</example>
    public void Label(string output, Func<ScriptParameters, IReadOnlyList<string>> labels) => OutputLabels[output] = labels ?? throw new ArgumentNullException(nameof(labels));

    /// <summary>One sentence on what the protocol computes.</summary>
    /// <example>Describe("Pooled mean of a numeric column.");</example>
    public void Describe(string description) => DeclaredDescription = description ?? "";

    /// <summary>Declares a parameter; a null default makes it required.</summary>
    /// <example>Parameter("column", ParameterType.Column, null, "The numeric column.");</example>
    public void Parameter(string name, ParameterType type, string? defaultValue, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (DeclaredParameters.Any(p => p.Name == name)) throw new InvalidOperationException(ScriptingErrors.ParameterDeclaredTwice(name));
        DeclaredParameters.Add(new ParameterDefinition(name, type, defaultValue, description ?? ""));
    }

    /// <summary>Declares an exact output, revealed to the analyst only.</summary>
    /// <example>Output("mean", "Pooled mean.");</example>
    public void Output(string name, string description) => Output(name, OutputKind.Exact, description);

    /// <summary>Declares an output of the given kind.</summary>
    /// <example>Output("n", OutputKind.Counts, "Rows over all parties.");</example>
    public void Output(string name, OutputKind kind, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (DeclaredOutputs.Any(o => o.Name == name)) throw new InvalidOperationException(ScriptingErrors.OutputDeclaredTwice(name));
        DeclaredOutputs.Add(new OutputDefinition(name, kind, description ?? ""));
    }

    /// <summary>Declares a progress stage the body may report with mpc.Progress(stage, fraction); progress carries only declared names and a number.</summary>
    /// <example>Stage("fitting");</example>
    public void Stage(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!DeclaredStages.Contains(name)) DeclaredStages.Add(name);
    }

    /// <summary>Fixed-point precision of the script's secrets in Z_2^128 (default 40 fractional bits).</summary>
    /// <example>Precision(32);</example>
    public void Precision(int fractionalBits) => DeclaredFractionalBits = fractionalBits;

    /// <summary>The script handles missing values (NaN) itself, for example by dropping and counting rows; otherwise they are refused up front.</summary>
    /// <example>AllowMissingValues();</example>
    public void AllowMissingValues() => MissingValuesAllowed = true;

    /// <summary>The protocol body, which every party runs on its own data.</summary>
    /// <example>Run(async mpc =&gt; await mpc.Output("total", await mpc.SumAcrossParties(new[] { mpc.Column("age").Sum() })));</example>
    public void Run(Func<ScriptSession, Task> body) => Body = body ?? throw new ArgumentNullException(nameof(body));

    /// <summary>Clear-text post-processing of the revealed outputs at the analyst (for Derived outputs such as p-values).</summary>
    /// <example>Derive((o, p) =&gt; new Dictionary&lt;string, double[]&gt; { ["p_value"] = [1 - MathNet.Numerics.Distributions.ChiSquared.CDF(1, o["chi2"][0])] });</example>
    public void Derive(Func<IReadOnlyDictionary<string, double[]>, ScriptParameters, IReadOnlyDictionary<string, double[]>> derivation) =>
        Derivation = derivation ?? throw new ArgumentNullException(nameof(derivation));
}
