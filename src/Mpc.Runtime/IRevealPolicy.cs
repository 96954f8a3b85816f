namespace Mpc.Runtime;

/// <summary>
/// Decides whether a secret value may be opened as a named output. The runtime asks it before
/// every reveal; internal openings of masked values (Beaver, truncation, comparison) never reach
/// it because they carry no information about the secrets.
/// </summary>
public interface IRevealPolicy
{
    /// <summary>
    /// Throws <see cref="RevealRefusedException"/> when the output may not be opened to
    /// <paramref name="recipient"/> (every party together, the analyst, or one party).
    /// </summary>
    void CheckReveal(string outputName, int elementCount, RevealRecipient recipient);

    /// <summary>
    /// Called before a differentially private release adds its noise; throws
    /// <see cref="RevealRefusedException"/> when the output may not be released this way (not
    /// declared as DP, no sensitivity, a mechanism the party cannot account for, or over the session's
    /// budget). The release record names its mechanism; the cost is the policy's to compute. Once allowed, the noised
    /// value may be opened to the analyst once (a DP intermediate: to the parties once per release).
    /// </summary>
    void CheckNoisedRelease(string outputName, NoisedRelease release);

    /// <summary>
    /// Called by the party's own code before it contributes to an exact output, with the sizes of its
    /// local cells or groups behind it (<paramref name="column"/> names the column they come from, "" for the whole dataset);
    /// throws <see cref="DisclosureRefusedException"/> when a size is above 0 and below the party's limit.
    /// </summary>
    void CheckDisclosure(string outputName, DisclosureKind kind, string column, IReadOnlyList<double> localSizes);
}
