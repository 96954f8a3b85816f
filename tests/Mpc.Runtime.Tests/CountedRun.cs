using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>Runs a raw-share program under dealer preprocessing that counts what party 0 draws, for tests of what a protocol costs.</summary>
public static class CountedRun
{
    // Party 0 holds x as its share (the others hold 0): a valid sharing for checking what the protocol computes.
    public static T[] ToRing<T>(MpcRuntime<T> runtime, Int128[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        runtime.PartyIndex == 0 ? [.. x.Select(RingArithmetic<T>.FromInt128)] : new T[x.Length];

    // Runs the parties over the in-memory network with dealer preprocessing that counts what party 0 draws,
    // and opens the result.
    public static async Task<(T[] Opened, CountingPreprocessing<T> Counts)> RunAsync<T>(int parties, FixedPointFormat format, Int128[] x, Func<MpcRuntime<T>, Task<T[]>> program)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(60));
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        var secret = AesCtrRandom.NewSeed();
        var counter = new CountingPreprocessing<T>(DealerPreprocessing<T>.ForDealer(parties, secret));
        var runtimes = Enumerable.Range(0, parties).Select(i => new MpcRuntime<T>(network.GetChannel(i),
            i == 0 ? counter : DealerPreprocessing<T>.ForParty(DealerPreprocessing<T>.PartySeed(secret, i)), format, seeds[i], OpenRevealPolicy.Instance)).ToArray();
        try
        {
            var opened = await Task.WhenAll(runtimes.Select(rt => Task.Run(async () => await Opening.OpenAsync(rt, await program(rt)))));
            foreach (var o in opened) Assert.Equal(opened[0], o);
            Assert.Equal(x.Length, opened[0].Length);
            return (opened[0], counter);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    public sealed class CountingPreprocessing<T>(IPreprocessing<T> inner) : IPreprocessing<T>
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        private long _truncationPairs;
        private long _binaryWords;

        public long TruncationPairs => Interlocked.Read(ref _truncationPairs);

        public long BinaryWords => Interlocked.Read(ref _binaryWords);

        public string Mode => inner.Mode;

        public long BytesSent => inner.BytesSent;

        public ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken) => inner.GetTriplesAsync(count, cancellationToken);

        public ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner1, int columns, CancellationToken cancellationToken) =>
            inner.GetMatrixTripleAsync(rows, inner1, columns, cancellationToken);

        public ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _binaryWords, words);
            return inner.GetBinaryTriplesAsync(words, cancellationToken);
        }

        public ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _truncationPairs, count);
            return inner.GetTruncationPairsAsync(count, shift, cancellationToken);
        }

        public ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken) => inner.GetMaskedBitsAsync(count, cancellationToken);

        public ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken) => inner.GetDaBitsAsync(count, cancellationToken);
    }
}
