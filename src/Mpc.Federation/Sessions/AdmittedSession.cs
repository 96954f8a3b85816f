using System.Globalization;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>
/// A session this party admitted: the protocol (compiled and approved), the bound parameters, the preprocessing
/// its policy allows, and the dataset with the party's privacy settings for it. Nothing in it changes once made.
/// </summary>
/// <remarks>
/// <see cref="DatasetPath"/>: The dataset's file ("" for a protocol that needs none).<br/>
/// <see cref="Dataset"/>: The dataset, when admission already read it to check the parameters against it.<br/>
/// <see cref="AssumedHonestParties"/>: Noise is sized for at most the party's assumed honest parties, never more than the session has.<br/>
/// </remarks>
internal sealed record AdmittedSession(
    IProtocolDefinition Protocol,
    ProtocolParameters Parameters,
    string ParametersHash,
    PreprocessingMode Preprocessing,
    string DatasetName,
    string DatasetPath,
    CsvTable? Dataset,
    DatasetPrivacy Privacy,
    int AssumedHonestParties)
{
    /// <summary>Whether any output may be released with DP noise, so the session needs a ledger and an epsilon.</summary>
    public bool ReleasesPrivately => Protocol.Outputs.Any(o => DeclaredOutputsPolicy.Noises(o.Kind));

    /// <summary>The session's privacy budget: its "epsilon" parameter (NaN when not a number), unlimited for a protocol without one.</summary>
    public double Epsilon => EpsilonOf(Protocol, Parameters);

    public static double EpsilonOf(IProtocolDefinition protocol, ProtocolParameters parameters) =>
        !protocol.Parameters.Any(p => p.Name == "epsilon") ? double.PositiveInfinity
        : double.TryParse(parameters.Values["epsilon"], NumberStyles.Float, CultureInfo.InvariantCulture, out double epsilon) ? epsilon : double.NaN;
}
