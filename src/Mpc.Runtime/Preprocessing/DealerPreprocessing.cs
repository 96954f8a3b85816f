using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Trusted-dealer preprocessing. The dealer (co-located with party 0) knows every mask; use it
/// only in tests or a run explicitly labelled "trusted dealer".
/// </summary>
/// <remarks>
/// Share derivation needs no communication: party i &gt;= 1 draws all its shares from its own PRG
/// seed (derived from the dealer secret); the dealer replays those PRGs and gives party 0 the
/// value minus the other shares. Party i's shares are thus pseudo-random and independent of the
/// values, and the parties stay in step because they request the same sizes in the same order.
/// </remarks>
public sealed class DealerPreprocessing<T> : IPreprocessing<T>, IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private static readonly int K = RingArithmetic<T>.Bits;
    private readonly AesCtrRandom? _master;
    private readonly AesCtrRandom[] _partyStreams;
    private readonly bool _isDealer;

    private DealerPreprocessing(AesCtrRandom? master, AesCtrRandom[] partyStreams, bool isDealer)
    {
        _master = master;
        _partyStreams = partyStreams;
        _isDealer = isDealer;
    }

    public string Mode => "dealer";

    public long BytesSent => 0;

    /// <summary>Party 0's instance: it holds the dealer secret.</summary>
    public static DealerPreprocessing<T> ForDealer(int partyCount, ReadOnlySpan<byte> dealerSecret)
    {
        if (partyCount < 2) throw new ArgumentOutOfRangeException(nameof(partyCount), ErrorMessages.PartyCountOutOfRange(partyCount));
        var master = new AesCtrRandom(AesCtrRandom.DeriveSeed(dealerSecret, "mpc/dealer/master"));
        var streams = new AesCtrRandom[partyCount - 1];
        for (int i = 1; i < partyCount; i++) streams[i - 1] = PartyStream(PartySeed(dealerSecret, i));
        return new DealerPreprocessing<T>(master, streams, isDealer: true);
    }

    /// <summary>Party i's instance (i &gt;= 1), from the seed the dealer handed it.</summary>
    public static DealerPreprocessing<T> ForParty(ReadOnlySpan<byte> partySeed) =>
        new(null, [PartyStream(partySeed)], isDealer: false);

    /// <summary>The seed that the dealer hands to party i &gt;= 1 (the same for every ring).</summary>
    public static byte[] PartySeed(ReadOnlySpan<byte> dealerSecret, int partyIndex) =>
        AesCtrRandom.DeriveSeed(dealerSecret, $"mpc/dealer/party/{partyIndex}");

    private static AesCtrRandom PartyStream(ReadOnlySpan<byte> partySeed) =>
        new(AesCtrRandom.DeriveSeed(partySeed, "mpc/dealer/stream/" + typeof(T).Name));

    public ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken)
    {
        T[]? a = null, b = null, c = null;
        if (_isDealer)
        {
            a = _master!.NextRing<T>(count);
            b = _master.NextRing<T>(count);
            c = new T[count];
            RingArithmetic<T>.Multiply(a, b, c);
        }
        return ValueTask.FromResult(new BeaverTriples<T>(Share(a, count), Share(b, count), Share(c, count)));
    }

    public ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner, int columns, CancellationToken cancellationToken)
    {
        int na = checked(rows * inner), nb = checked(inner * columns), nc = checked(rows * columns);
        T[]? a = null, b = null, c = null;
        if (_isDealer)
        {
            a = _master!.NextRing<T>(na);
            b = _master.NextRing<T>(nb);
            c = new T[nc];
            RingArithmetic<T>.MatrixMultiply(a, b, c, rows, inner, columns);
        }
        return ValueTask.FromResult(new MatrixTriple<T>(Share(a, na), Share(b, nb), Share(c, nc), rows, inner, columns));
    }

    public ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken)
    {
        ulong[]? a = null, b = null, c = null;
        if (_isDealer)
        {
            a = _master!.NextRing<ulong>(words);
            b = _master.NextRing<ulong>(words);
            c = new ulong[words];
            BitSlicing.And(a, b, c);
        }
        return ValueTask.FromResult(new BinaryTriples(ShareBits(a, words), ShareBits(b, words), ShareBits(c, words)));
    }

    public ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        if (shift <= 0 || shift > K - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, K));
        T[]? r = null, high = null, top = null;
        if (_isDealer)
        {
            r = _master!.NextRing<T>(count);
            high = new T[count];
            top = new T[count];
            RingArithmetic<T>.ShiftRightLogical(r, shift, high);
            RingArithmetic<T>.ShiftRightLogical(r, K - 1, top);
        }
        return ValueTask.FromResult(new TruncationPairs<T>(Share(r, count), Share(high, count), Share(top, count), shift));
    }

    public ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken)
    {
        int words = checked(K * BitSlicing.WordsFor(count));
        T[]? r = null;
        ulong[]? bits = null;
        if (_isDealer)
        {
            r = _master!.NextRing<T>(count);
            bits = BitSlicing.Slice<T>(r, K);
        }
        return ValueTask.FromResult(new MaskedBits<T>(Share(r, count), ShareBits(bits, words), count));
    }

    public ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken)
    {
        int words = BitSlicing.WordsFor(count);
        T[]? arithmetic = null;
        ulong[]? binary = null;
        if (_isDealer)
        {
            binary = _master!.NextRing<ulong>(words);
            binary[^1] &= BitSlicing.LastWordMask(count);
            arithmetic = new T[count];
            for (int i = 0; i < count; i++) arithmetic[i] = BitSlicing.Get(binary, i) ? T.One : T.Zero;
        }
        return ValueTask.FromResult(new DaBits<T>(Share(arithmetic, count), ShareBits(binary, words), count));
    }

    // Non-dealers read their share from their stream; the dealer replays those streams and keeps value minus their sum.
    private T[] Share(T[]? values, int count)
    {
        if (!_isDealer)
        {
            var own = new T[count];
            _partyStreams[0].Fill<T>(own);
            return own;
        }
        var scratch = new T[count];
        foreach (var stream in _partyStreams)
        {
            stream.Fill<T>(scratch);
            RingArithmetic<T>.SubtractInPlace(values!, scratch);
        }
        return values!;
    }

    private ulong[] ShareBits(ulong[]? values, int words)
    {
        if (!_isDealer)
        {
            var own = new ulong[words];
            _partyStreams[0].Fill<ulong>(own);
            return own;
        }
        var scratch = new ulong[words];
        foreach (var stream in _partyStreams)
        {
            stream.Fill<ulong>(scratch);
            BitSlicing.Xor(values!, scratch, values!);
        }
        return values!;
    }

    public void Dispose()
    {
        _master?.Dispose();
        foreach (var stream in _partyStreams) stream.Dispose();
    }
}
