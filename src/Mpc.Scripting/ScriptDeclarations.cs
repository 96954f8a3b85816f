using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

/// <summary>
/// What a protocol script declares, read from its syntax and semantic model without running any
/// of it: this is all that `mpc describe`, `mpc approve` and a party's admission ever learn from a
/// script. The lambdas of Label, Derive and Run are recorded only as present.
/// </summary>
/// <param name="Description">The Describe("...") sentence ("" when absent).</param>
/// <param name="Parameters">The declared parameters, in order (without the standard dataset parameter).</param>
/// <param name="Outputs">The declared outputs, in order.</param>
/// <param name="FractionalBits">Precision(n), 40 when absent.</param>
/// <param name="MissingValuesAllowed">Whether AllowMissingValues() is declared.</param>
/// <param name="Stages">The progress stage names the body may report, in order.</param>
/// <param name="LabelledOutputs">The outputs that have a Label(output, ...) declaration.</param>
/// <param name="HasDerivation">Whether Derive(...) is declared.</param>
public sealed record ScriptDeclarations(
    string Description,
    IReadOnlyList<ParameterDefinition> Parameters,
    IReadOnlyList<OutputDefinition> Outputs,
    int FractionalBits,
    bool MissingValuesAllowed,
    IReadOnlyList<string> Stages,
    IReadOnlySet<string> LabelledOutputs,
    bool HasDerivation)
{
    /// <summary>Scripts compute with 40 fractional bits unless they declare Precision(n).</summary>
    public const int DefaultFractionalBits = 40;
}
