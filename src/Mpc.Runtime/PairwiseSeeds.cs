using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// The 16-byte seeds this party shares with each peer (seed[j] is known to this party and party j
/// only). They key the PRGs behind pseudo-random zero sharing.
/// </summary>
public sealed class PairwiseSeeds
{
    private readonly byte[]?[] _seeds;

    public PairwiseSeeds(int partyIndex, IReadOnlyList<byte[]?> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (partyIndex < 0 || partyIndex >= seeds.Count) throw new ArgumentOutOfRangeException(nameof(partyIndex), ErrorMessages.PartyIndexOutOfRange(partyIndex, seeds.Count));
        for (int j = 0; j < seeds.Count; j++)
        {
            if (j == partyIndex) continue;
            var seed = seeds[j] ?? throw new ArgumentException(RuntimeErrors.MissingSeed(j), nameof(seeds));
            if (seed.Length != AesCtrRandom.SeedLength) throw new ArgumentException(ErrorMessages.SeedLength(seed.Length), nameof(seeds));
        }
        PartyIndex = partyIndex;
        _seeds = seeds.Select(s => s?.ToArray()).ToArray();
    }

    public int PartyIndex { get; }

    public int PartyCount => _seeds.Length;

    public ReadOnlySpan<byte> SeedWith(int peer) => _seeds[peer];

    /// <summary>A full matrix of fresh pairwise seeds for a local run: result[i] is party i's view.</summary>
    public static PairwiseSeeds[] CreateForLocalParties(int partyCount)
    {
        var matrix = new byte[partyCount, partyCount][];
        for (int i = 0; i < partyCount; i++)
            for (int j = i + 1; j < partyCount; j++)
                matrix[i, j] = matrix[j, i] = AesCtrRandom.NewSeed();
        return Enumerable.Range(0, partyCount)
            .Select(i => new PairwiseSeeds(i, Enumerable.Range(0, partyCount).Select(j => i == j ? null : matrix[i, j]).ToArray()))
            .ToArray();
    }
}
