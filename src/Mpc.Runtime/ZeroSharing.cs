using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// Pseudo-random zero sharing (Cramer, Damgard, Ishai 2005, "Share conversion, pseudorandom
/// secret-sharing"): party i's share is sum over j&gt;i of PRG(s_ij) minus sum over j&lt;i of PRG(s_ji),
/// so the shares sum to zero with no communication. Every party must request the same lengths in
/// the same order, which SPMD protocol code does.
/// </summary>
public sealed class ZeroSharing<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly int _self;
    private readonly AesCtrRandom?[] _prgs;

    public ZeroSharing(PairwiseSeeds seeds)
        : this(seeds, "mpc/zero-sharing/" + typeof(T).Name)
    {
    }

    /// <summary>Zero sharing from streams of their own: <paramref name="purpose"/> labels the seeds, so two sharings of different purposes never reuse a mask.</summary>
    public ZeroSharing(PairwiseSeeds seeds, string purpose)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        _self = seeds.PartyIndex;
        _prgs = new AesCtrRandom?[seeds.PartyCount];
        for (int j = 0; j < seeds.PartyCount; j++)
            if (j != _self) _prgs[j] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(j), purpose));
    }

    /// <summary>This party's share of a vector of zeros.</summary>
    public T[] Next(int count)
    {
        var result = new T[count];
        var stream = new T[count];
        for (int j = 0; j < _prgs.Length; j++)
        {
            if (j == _self) continue;
            _prgs[j]!.Fill<T>(stream);
            if (j > _self) RingArithmetic<T>.AddInPlace(result, stream);
            else RingArithmetic<T>.SubtractInPlace(result, stream);
        }
        return result;
    }

    /// <summary>This party's XOR share of a vector of zero words: every pairwise stream enters two parties' shares, so they XOR to zero.</summary>
    public T[] NextXor(int count)
    {
        var result = new T[count];
        var stream = new T[count];
        for (int j = 0; j < _prgs.Length; j++)
        {
            if (j == _self) continue;
            _prgs[j]!.Fill<T>(stream);
            for (int i = 0; i < count; i++) result[i] ^= stream[i];
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var prg in _prgs) prg?.Dispose();
    }
}
