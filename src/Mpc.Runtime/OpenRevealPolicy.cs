using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// Allows every reveal with a non-empty name. For unit tests and trusted local runs; sessions
/// started from protocol scripts use the script's declared outputs instead.
/// </summary>
public sealed class OpenRevealPolicy : IRevealPolicy
{
    public static OpenRevealPolicy Instance { get; } = new();

    public void CheckReveal(string outputName, int elementCount, RevealRecipient recipient)
    {
        if (string.IsNullOrWhiteSpace(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "an output needs a name."));
    }

    public void CheckNoisedRelease(string outputName, NoisedRelease release) => CheckReveal(outputName, 0, RevealRecipient.Analyst);

    public void CheckDisclosure(string outputName, DisclosureKind kind, string column, IReadOnlyList<double> localSizes) => ArgumentNullException.ThrowIfNull(localSizes);
}
