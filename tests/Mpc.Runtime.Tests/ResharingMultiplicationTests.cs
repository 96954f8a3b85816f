using System.Collections.Concurrent;
using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// Multiplication by resharing on the honest-majority engine with three to seven parties: products equal the clear ones
/// in the ring, each party sends two ring elements a product to one peer (three parties) or to N - t - 1 peers, draws no
/// triples, and what a party or coalition receives is masked by a stream it lacks even where it could otherwise complete
/// the sharing. With three parties AND gates are made the same way on XOR shares, half to each neighbour.
/// </summary>
public class ResharingMultiplicationTests
{
    private static readonly LocalHarnessOptions Replicated = new() { Preprocessing = PreprocessingMode.Replicated };

    [Fact]
    public async Task ResharedProductsEqualTheClearProductsInZ64AndZ128()
    {
        await Property.CheckAsync(nameof(ResharedProductsEqualTheClearProductsInZ64AndZ128), 3, async (random, seed) =>
        {
            var x = RandomRing(random, 2000);
            var y = RandomRing(random, 2000);
            var narrow = await LocalHarness.RunAsync<ulong, ulong[]>(3, async rt =>
            {
                Assert.True(Multiplication.MultipliesByResharing(rt));
                return await Opening.OpenAsync(rt, await Multiplication.MultiplyRawAsync(rt, SplitShares<ulong>(rt, x, 11), SplitShares<ulong>(rt, y, 13)));
            }, Replicated);
            var wide = await LocalHarness.RunAsync<UInt128, UInt128[]>(3, async rt =>
                await Opening.OpenAsync(rt, await Multiplication.MultiplyRawAsync(rt, SplitShares<UInt128>(rt, x, 11), SplitShares<UInt128>(rt, y, 13))), Replicated);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(unchecked((ulong)x[i] * (ulong)y[i]) == narrow[0][i], $"seed {seed}, element {i}: Z_2^64 product");
                Assert.True(unchecked(x[i] * y[i]) == wide[0][i], $"seed {seed}, element {i}: Z_2^128 product");
            }
        });
    }

    [Fact]
    public async Task ResharedMatrixProductsEqualTheClearMatrixProduct()
    {
        await Property.CheckAsync(nameof(ResharedMatrixProductsEqualTheClearMatrixProduct), 3, async (random, seed) =>
        {
            int n = random.Next(1, 9), m = random.Next(1, 9), p = random.Next(1, 9);
            var a = RandomRing(random, n * m);
            var b = RandomRing(random, m * p);
            var opened = await LocalHarness.RunAsync<UInt128, UInt128[]>(3, async rt =>
                await Opening.OpenAsync(rt, await Multiplication.MatrixMultiplyRawAsync(rt, SplitShares<UInt128>(rt, a, 3), SplitShares<UInt128>(rt, b, 5), n, m, p)), Replicated);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    UInt128 expected = 0;
                    for (int l = 0; l < m; l++) expected = unchecked(expected + a[i * m + l] * b[l * p + j]);
                    Assert.True(expected == opened[0][i * p + j], $"seed {seed}, {n}x{m} * {m}x{p}, entry ({i}, {j})");
                }
            }
        });
    }

    [Fact]
    public async Task AResharedProductSendsTwoRingElementsToOnePeerAndDrawsNoTriples()
    {
        const int Count = 1000;
        var received = ReceivedBytes(3, out var runtimes);
        try
        {
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
            {
                var product = await Multiplication.MultiplyRawAsync(rt, rt.NextZeroShares(Count), rt.NextZeroShares(Count));
                Assert.Equal(Count, product.Length);
            })));
            // Party i sends to party i - 1 (mod 3) only, 2 elements of 8 bytes a product; preprocessing sends nothing at all.
            Assert.All(runtimes, rt => Assert.Equal(2L * 8 * Count, rt.Statistics.BytesSent));
            Assert.All(runtimes, rt => Assert.Equal(0L, rt.Preprocessing.BytesSent));
            Assert.Equal(new long[] { 0, 2L * 8 * Count, 0 }, received[0]);
            Assert.Equal(new long[] { 0, 0, 2L * 8 * Count }, received[1]);
            Assert.Equal(new long[] { 2L * 8 * Count, 0, 0 }, received[2]);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    [Fact]
    public async Task WhatAPartyReceivesIsUniformEvenWhereItKnowsTheThirdShare()
    {
        // Shares (0, v, 0) of a constant v: party 0 knows party 2's share, so an unmasked share from party 1 would give v away.
        const int Count = 4096;
        var constant = FixedPointFormat.Ring64.Encode<ulong>(Enumerable.Repeat(1.0, Count).ToArray());
        var runtimes = PartyZeroRecording(out var payloads);
        try
        {
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
            {
                var share = rt.PartyIndex == 1 ? (ulong[])constant.Clone() : new ulong[Count];
                await Multiplication.MultiplyRawAsync(rt, share, share);
            })));
            var message = Assert.Single(payloads);
            var shareOfX = RingCodec.Decode<ulong>(message, 2 * Count)[..Count];
            Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(shareOfX)), 0, PartyViewTests.ChiSquareLimit);
            Assert.True(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(constant)) > 10 * PartyViewTests.ChiSquareLimit);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task ResharedProductsAtFourToSevenPartiesEqualTheClearProducts(int parties)
    {
        await Property.CheckAsync("reshared-products-" + parties, 2, async (random, seed) =>
        {
            var x = RandomRing(random, 500);
            var y = RandomRing(random, 500);
            int n = random.Next(1, 7), m = random.Next(1, 7), p = random.Next(1, 7);
            var a = RandomRing(random, n * m);
            var b = RandomRing(random, m * p);
            var narrow = await LocalHarness.RunAsync<ulong, ulong[]>(parties, async rt =>
            {
                Assert.True(Multiplication.MultipliesByResharing(rt));
                return await Opening.OpenAsync(rt, await Multiplication.MultiplyRawAsync(rt, SplitShares<ulong>(rt, x, 11), SplitShares<ulong>(rt, y, 13)));
            }, Replicated);
            var wide = await LocalHarness.RunAsync<UInt128, UInt128[][]>(parties, async rt =>
            [
                await Opening.OpenAsync(rt, await Multiplication.MultiplyRawAsync(rt, SplitShares<UInt128>(rt, x, 11), SplitShares<UInt128>(rt, y, 13))),
                await Opening.OpenAsync(rt, await Multiplication.MatrixMultiplyRawAsync(rt, SplitShares<UInt128>(rt, a, 3), SplitShares<UInt128>(rt, b, 5), n, m, p)),
            ], Replicated);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(unchecked((ulong)x[i] * (ulong)y[i]) == narrow[0][i], $"seed {seed}, {parties} parties, element {i}: Z_2^64 product");
                Assert.True(unchecked(x[i] * y[i]) == wide[0][0][i], $"seed {seed}, {parties} parties, element {i}: Z_2^128 product");
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    UInt128 expected = 0;
                    for (int l = 0; l < m; l++) expected = unchecked(expected + a[i * m + l] * b[l * p + j]);
                    Assert.True(expected == wide[0][1][i * p + j], $"seed {seed}, {parties} parties, {n}x{m} * {m}x{p}, entry ({i}, {j})");
                }
            }
        });
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    public async Task AResharedProductSendsTwoRingElementsToTheOtherHoldersOfTheSendersSinkOnly(int parties)
    {
        const int Count = 1000;
        int t = (parties - 1) / 2;
        var received = ReceivedBytes(parties, out var runtimes);
        try
        {
            // The first product agrees the component keys; the counts are taken over the second.
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () => await Multiplication.MultiplyRawAsync(rt, rt.NextZeroShares(1), rt.NextZeroShares(1)))));
            var before = runtimes.Select(rt => (rt.Statistics.BytesSent, rt.Preprocessing.BytesSent)).ToArray();
            var receivedBefore = received.Select(r => (long[])r.Clone()).ToArray();
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () => Assert.Equal(Count, (await Multiplication.MultiplyRawAsync(rt, rt.NextZeroShares(Count), rt.NextZeroShares(Count))).Length))));
            var plan = new ReplicatedSharingPlan(parties);
            for (int i = 0; i < parties; i++)
            {
                Assert.Equal(2L * 8 * (Count + 1) * (parties - t - 1), runtimes[i].Statistics.BytesSent);
                Assert.Equal(before[i].Item2, runtimes[i].Preprocessing.BytesSent);
                for (int j = 0; j < parties; j++)
                {
                    bool sends = j != i && plan.Holds(i, plan.Sink(j));
                    Assert.Equal(sends ? 2L * 8 * Count : 0, received[i][j] - receivedBefore[i][j]);
                }
            }
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public async Task WhatACoalitionReceivesIsUniformEvenWhereItKnowsEveryOtherShare(int parties)
    {
        // Shares of a constant v at party t only: the coalition 0..t-1 knows the other honest parties' shares are 0.
        const int Count = 4096;
        int t = (parties - 1) / 2;
        var constant = FixedPointFormat.Ring64.Encode<ulong>(Enumerable.Repeat(1.0, Count).ToArray());
        var payloads = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        var network = new InMemoryNetwork(parties, TimeSpan.FromMinutes(2));
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        var runtimes = Enumerable.Range(0, parties).Select(i =>
        {
            IPartyChannel channel = i < t ? new RecordingChannel(network.GetChannel(i), (peer, payload) => { if (peer >= t) payloads.Enqueue(payload); }) : network.GetChannel(i);
            return new MpcRuntime<ulong>(channel, new ReplicatedPreprocessing<ulong>(network.GetChannel(i), seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        }).ToArray();
        try
        {
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
            {
                var share = rt.PartyIndex == t ? (ulong[])constant.Clone() : new ulong[Count];
                await Multiplication.MultiplyRawAsync(rt, share, share);
            })));
            Assert.NotEmpty(payloads);
            foreach (var message in payloads)
                Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(RingCodec.Decode<ulong>(message, 2 * Count)[..Count])), 0, PartyViewTests.ChiSquareLimit);
            Assert.True(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(constant)) > 10 * PartyViewTests.ChiSquareLimit);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    [Fact]
    public async Task AndsByResharingEqualTheClearAndsAtEveryLengthAndAsTheBeaverGatesOfFourParties()
    {
        await Property.CheckAsync(nameof(AndsByResharingEqualTheClearAndsAtEveryLengthAndAsTheBeaverGatesOfFourParties), 3, async (random, seed) =>
        {
            foreach (int words in new[] { 1, 2, 3, random.Next(4, 70) })
            {
                var x = RandomWords(random, words);
                var y = RandomWords(random, words);
                var three = await LocalHarness.RunAsync<UInt128, ulong[]>(3, async rt =>
                {
                    Assert.True(Multiplication.ResharesInPairs(rt));
                    return await Opening.OpenBitsAsync(rt, await BinaryCircuits.AndAsync(rt, SplitWords(rt, x, 7), SplitWords(rt, y, 9)));
                }, Replicated);
                var four = await LocalHarness.RunAsync<UInt128, ulong[]>(4, async rt =>
                {
                    Assert.False(Multiplication.ResharesInPairs(rt));
                    return await Opening.OpenBitsAsync(rt, await BinaryCircuits.AndAsync(rt, SplitWords(rt, x, 7), SplitWords(rt, y, 9)));
                }, Replicated);
                for (int i = 0; i < words; i++)
                {
                    Assert.True((x[i] & y[i]) == three[0][i], $"seed {seed}, {words} words, word {i}: three parties");
                    Assert.True((x[i] & y[i]) == four[0][i], $"seed {seed}, {words} words, word {i}: four parties");
                }
            }
        });
    }

    [Fact]
    public async Task AnAndByResharingSendsOneWordToEachNeighbourAndDrawsNoTriple()
    {
        const int Words = 1001;
        var received = ReceivedBytes(3, out var runtimes);
        try
        {
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
                Assert.Equal(Words, (await BinaryCircuits.AndAsync(rt, rt.NextBitZeroShares(Words), rt.NextBitZeroShares(Words))).Length))));
            // Party i sends x' and y' of the first 500 words to party i - 1 and of the other 501 to party i + 1 (mod 3):
            // 2 words a word of gates in all, against 4 for a Beaver gate's opening; preprocessing sends nothing.
            const long ToPrevious = 2L * 8 * (Words / 2), ToNext = 2L * 8 * (Words - Words / 2);
            Assert.All(runtimes, rt => Assert.Equal(ToPrevious + ToNext, rt.Statistics.BytesSent));
            Assert.All(runtimes, rt => Assert.Equal(0L, rt.Preprocessing.BytesSent));
            Assert.Equal(new long[] { 0, ToPrevious, ToNext }, received[0]);
            Assert.Equal(new long[] { ToNext, 0, ToPrevious }, received[1]);
            Assert.Equal(new long[] { ToPrevious, ToNext, 0 }, received[2]);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    [Fact]
    public async Task WhatAPartyReceivesInAnAndIsUniformEvenWhereItKnowsTheThirdShare()
    {
        // XOR shares (0, v, 0) of constant words: party 0 knows party 2's share, so an unmasked share from either neighbour would give v away.
        const int Words = 4096;
        var constant = Enumerable.Repeat(0x5555_5555_5555_5555UL, Words).ToArray();
        var runtimes = PartyZeroRecording(out var payloads);
        try
        {
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
            {
                var share = rt.PartyIndex == 1 ? (ulong[])constant.Clone() : new ulong[Words];
                await BinaryCircuits.AndAsync(rt, share, share);
            })));
            Assert.Equal(2, payloads.Count);
            foreach (var message in payloads)
                Assert.InRange(PartyViewTests.ChiSquare(message.AsSpan(0, message.Length / 2).ToArray()), 0, PartyViewTests.ChiSquareLimit);
            Assert.True(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(constant)) > 10 * PartyViewTests.ChiSquareLimit);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    private static ulong[] RandomWords(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40))];

    // An XOR sharing that differs by party: parties 1.. hold pseudo-random s_p, party 0 holds v XOR all s_p.
    private static ulong[] SplitWords<T>(MpcRuntime<T> runtime, ulong[] values, int salt)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var others = new ulong[runtime.PartyCount][];
        for (int p = 1; p < runtime.PartyCount; p++)
        {
            var random = new Random(salt * 31 + p);
            others[p] = RandomWords(random, values.Length);
        }
        if (runtime.PartyIndex != 0) return others[runtime.PartyIndex];
        var shares = (ulong[])values.Clone();
        for (int p = 1; p < runtime.PartyCount; p++) BitSlicing.Xor(shares, others[p], shares);
        return shares;
    }

    private static UInt128[] RandomRing(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new UInt128((ulong)random.NextInt64() ^ ((ulong)random.Next() << 33), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40)))];

    // An additive sharing that differs by party: parties 1 and 2 hold pseudo-random s_p, party 0 holds v - s_1 - s_2.
    private static T[] SplitShares<T>(MpcRuntime<T> runtime, UInt128[] values, int salt)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var others = new T[runtime.PartyCount][];
        for (int p = 1; p < runtime.PartyCount; p++)
        {
            var random = new Random(salt * 31 + p);
            others[p] = [.. values.Select(_ => T.CreateTruncating(new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())))];
        }
        if (runtime.PartyIndex != 0) return others[runtime.PartyIndex];
        var shares = values.Select(T.CreateTruncating).ToArray();
        for (int p = 1; p < runtime.PartyCount; p++) RingArithmetic<T>.SubtractInPlace(shares, others[p]);
        return shares;
    }

    // Three runtimes on the replicated engine; every message party 0 receives is kept.
    private static MpcRuntime<ulong>[] PartyZeroRecording(out ConcurrentQueue<byte[]> payloads)
    {
        var received = payloads = new ConcurrentQueue<byte[]>();
        var network = new InMemoryNetwork(3, TimeSpan.FromMinutes(2));
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        return [.. Enumerable.Range(0, 3).Select(i =>
        {
            IPartyChannel channel = i == 0 ? new RecordingChannel(network.GetChannel(0), (_, payload) => received.Enqueue(payload)) : network.GetChannel(i);
            return new MpcRuntime<ulong>(channel, new ReplicatedPreprocessing<ulong>(network.GetChannel(i), seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        })];
    }

    // Runtimes on the replicated engine whose channels count the bytes each party receives from each peer.
    private static long[][] ReceivedBytes(int parties, out MpcRuntime<ulong>[] runtimes)
    {
        var received = new long[parties][];
        var net = new InMemoryNetwork(parties, TimeSpan.FromMinutes(2));
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        runtimes = [.. Enumerable.Range(0, parties).Select(i =>
        {
            var counts = received[i] = new long[parties];
            var channel = new RecordingChannel(net.GetChannel(i), (peer, payload) => Interlocked.Add(ref counts[peer], payload.Length));
            return new MpcRuntime<ulong>(channel, new ReplicatedPreprocessing<ulong>(net.GetChannel(i), seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        })];
        return received;
    }

    // Passes messages through and reports each received one with its sender.
    private sealed class RecordingChannel(IPartyChannel inner, Action<int, byte[]> onReceived) : IPartyChannel
    {
        public int PartyIndex => inner.PartyIndex;

        public int PartyCount => inner.PartyCount;

        public string GetPartyName(int index) => inner.GetPartyName(index);

        public ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => inner.SendAsync(peer, tag, payload, cancellationToken);

        public async ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
        {
            var payload = await inner.ReceiveAsync(peer, tag, cancellationToken);
            onReceived(peer, (byte[])payload.Clone());
            return payload;
        }
    }
}
