using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>The preprocessing engines by name, and the one place that builds them.</summary>
public static class PreprocessingModes
{
    /// <summary>Dealer-free oblivious transfer: secure against N - 1 colluding parties (the default).</summary>
    public const string Ot = "ot";

    /// <summary>Trusted dealer co-located with party 0: tests and runs labelled as such only.</summary>
    public const string Dealer = "dealer";

    /// <summary>Honest majority, 3 to 7 parties (replicated sharing): secure if at most floor((N - 1) / 2) parties collude.</summary>
    public const string Replicated = ReplicatedPreprocessing<ulong>.ModeName;

    /// <summary>Honest majority, 8 or more parties (Shamir sharing over a Galois ring): secure if at most floor((N - 1) / 2) parties collude.</summary>
    public const string Shamir = ShamirPreprocessing<ulong>.ModeName;

    public static bool IsKnown(string mode) => mode is Ot or Dealer or Replicated or Shamir;

    /// <summary>
    /// This party's preprocessing for a session. <paramref name="dealerMaterial"/> is the dealer secret at party 0
    /// and the seed the dealer sent elsewhere (dealer mode only).
    /// </summary>
    public static IPreprocessing<T> Create<T>(string mode, IPartyChannel channel, PairwiseSeeds seeds, ReadOnlySpan<byte> dealerMaterial, CancellationToken cancellation)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(channel);
        return mode switch
        {
            Ot => new OtPreprocessing<T>(channel, cancellation),
            Replicated => new ReplicatedPreprocessing<T>(channel, seeds, cancellation),
            Shamir => new ShamirPreprocessing<T>(channel, seeds, cancellation),
            Dealer when channel.PartyIndex == 0 => DealerPreprocessing<T>.ForDealer(channel.PartyCount, dealerMaterial),
            Dealer => DealerPreprocessing<T>.ForParty(dealerMaterial),
            _ => throw new ArgumentException(ErrorMessages.UnknownPreprocessing(mode), nameof(mode)),
        };
    }
}
