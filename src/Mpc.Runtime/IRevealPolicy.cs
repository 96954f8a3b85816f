namespace Mpc.Runtime;

/// <summary>
/// Decides whether a secret value may be opened as a named output. The runtime asks it before
/// every reveal; internal openings of masked values (Beaver, truncation, comparison) never reach
/// it because they carry no information about the secrets.
/// </summary>
public interface IRevealPolicy
{
    /// <summary>
    /// Throws <see cref="RevealRefusedException"/> when the output may not be opened. The recipient
    /// is null for all parties, a party index for one party, and -1 for the analyst.
    /// </summary>
    void CheckReveal(string outputName, int elementCount, int? recipient);
}
