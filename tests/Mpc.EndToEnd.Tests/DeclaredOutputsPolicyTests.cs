using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

public class DeclaredOutputsPolicyTests
{
    [Fact]
    public void AnExactIntermediateOpensToEveryPartyButNeverToTheAnalystOrToOneParty()
    {
        var policy = new DeclaredOutputsPolicy([new OutputDefinition("pooled_sums", OutputKind.ExactIntermediate, ""), new OutputDefinition("model", OutputKind.Exact, "")]);
        for (int step = 0; step < 3; step++) policy.CheckReveal("pooled_sums", 10, RevealRecipient.Everyone);
        var toAnalyst = Assert.Throws<RevealRefusedException>(() => policy.CheckReveal("pooled_sums", 10, RevealRecipient.Analyst));
        Assert.Contains("never to one party or the analyst", toAnalyst.Message, StringComparison.Ordinal);
        Assert.Throws<RevealRefusedException>(() => policy.CheckReveal("pooled_sums", 10, RevealRecipient.Party(1)));
        // An exact output still goes to the analyst only.
        Assert.Throws<RevealRefusedException>(() => policy.CheckReveal("model", 10, RevealRecipient.Everyone));
        policy.CheckReveal("model", 10, RevealRecipient.Analyst);
    }

    [Fact]
    public void SubsampledReleasesComposeWithTheirAmplifiedRdp()
    {
        // Alone, this release costs epsilon 2.17 and two cost 3.19; at sampling rate 0.05 ten of them cost 0.67 (all composed in RDP, delta 1e-5).
        var output = new OutputDefinition("noised_sums", OutputKind.DifferentiallyPrivateIntermediate, "");
        var sampled = new DeclaredOutputsPolicy([output], epsilonBudget: 2.5);
        for (int k = 0; k < 10; k++) sampled.CheckNoisedRelease("noised_sums", new NoisedRelease("distributed-skellam", 40, 10, 200, 1.3, 1e-5, 1, 0.05));
        var full = new DeclaredOutputsPolicy([output], epsilonBudget: 2.5);
        full.CheckNoisedRelease("noised_sums", new NoisedRelease("distributed-skellam", 40, 10, 200, 1.3, 1e-5, 1));
        Assert.Throws<RevealRefusedException>(() => full.CheckNoisedRelease("noised_sums", new NoisedRelease("distributed-skellam", 40, 10, 200, 1.3, 1e-5, 1)));
    }

    [Fact]
    public void AReleaseOfAMechanismThePartyCannotAccountForIsRefusedBeforeItsNoiseIsDrawn()
    {
        var charged = new List<string>();
        var policy = new DeclaredOutputsPolicy([new OutputDefinition("counts", OutputKind.DifferentiallyPrivate, "")], epsilonBudget: 10, onRelease: (name, _) => charged.Add(name));
        // A Gaussian release claiming a small epsilon: the party has no RDP curve for it, so the claim cannot be checked.
        var refused = Assert.Throws<RevealRefusedException>(() => policy.CheckNoisedRelease("counts", new NoisedRelease("gaussian", 1, 1, 1e6, 0.01, 1e-5, 1)));
        Assert.Contains("does not account for that release mechanism", refused.Message, StringComparison.Ordinal);
        Assert.Empty(charged);
        Assert.Empty(policy.Releases);
        policy.CheckNoisedRelease("counts", new NoisedRelease("distributed-skellam", 1, 1, 1e6, 0.01, 1e-5, 1));
        Assert.Equal(["counts"], charged);
    }
}
