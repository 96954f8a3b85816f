using System.Collections.Concurrent;
using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Preprocessing.Ot;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>Attacks (helper session, attack6) on the three-party AND by resharing, the reordered assisted truncation and the OT minimum batches.</summary>
public class ThreePartyResharingAttackTests
{
    private static readonly LocalHarnessOptions Replicated = new() { Preprocessing = PreprocessingMode.Replicated };

    // security: everything party 0 receives in ANDs of x = y = (0, v, 0), v constant, for w = 1, 2, 3 and repeated calls.
    [Fact]
    public async Task AndViewOfOnePartyIsUniformForBothHalvesAndEveryLength()
    {
        const ulong V = 0x5555_5555_5555_5555UL;
        var received = new ConcurrentQueue<(int Peer, byte[] Payload)>();
        var runtimes = Runtimes<ulong>(received);
        var outputs = new ulong[3][];
        try
        {
            await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
            {
                var all = new List<ulong>();
                foreach (int w in new[] { 1, 2, 3 })
                {
                    for (int call = 0; call < 1400; call++)
                    {
                        var share = rt.PartyIndex == 1 ? Enumerable.Repeat(V, w).ToArray() : new ulong[w];
                        all.AddRange(await BinaryCircuits.AndAsync(rt, share, share));
                    }
                }
                outputs[rt.PartyIndex] = [.. all];
            })));
            var xs = new List<ulong>();
            var ys = new List<ulong>();
            var xy = new List<ulong>();
            foreach (var (_, payload) in received)
            {
                int count = payload.Length / 16;
                var words = RingCodec.Decode<ulong>(payload, 2 * count);
                for (int i = 0; i < count; i++)
                {
                    xs.Add(words[i]);
                    ys.Add(words[count + i]);
                    xy.Add(words[i] ^ words[count + i]); // x = y here: equal masks would cancel
                }
            }
            // 1400 calls each of w = 1 (1 word from party 2), 2 (1 from each) and 3 (1 from party 1, 2 from party 2).
            Assert.Equal(1400 * 6, xs.Count);
            Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>([.. xs])), 0, PartyViewTests.ChiSquareLimit);
            Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>([.. ys])), 0, PartyViewTests.ChiSquareLimit);
            Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>([.. xy])), 0, PartyViewTests.ChiSquareLimit);
            // The output is a fresh sharing of v: the other parties' output shares, which an opening reveals, are uniform.
            for (int i = 0; i < outputs[0].Length; i++) Assert.Equal(V, outputs[0][i] ^ outputs[1][i] ^ outputs[2][i]);
            Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(outputs[1])), 0, PartyViewTests.ChiSquareLimit);
            Assert.InRange(PartyViewTests.ChiSquare(RingCodec.Encode<ulong>(outputs[2])), 0, PartyViewTests.ChiSquareLimit);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    // stream labels: the bit zero sharing's pads share no word with the runtime's other streams on the same pair seed.
    [Fact]
    public void BitZeroSharingStreamsAreDistinctFromEveryOtherLabelledStream()
    {
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        var labels = new[] { "mpc/zero-sharing/words" }.Concat(new[] { "UInt64", "UInt128" }.SelectMany(ring => new[]
        {
            "mpc/zero-sharing/" + ring, "mpc/replicated-input/" + ring, "mpc/replicated/zero/" + ring, "mpc/replicated/truncation/" + ring,
            "mpc/replicated/dealing/" + ring, "mpc/replicated/component/" + ring, "mpc/dealer/stream/" + ring,
        })).ToArray();
        using var bits = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds[0].SeedWith(1), "mpc/zero-sharing/bits"));
        var pad = new HashSet<ulong>(bits.NextRing<ulong>(1 << 14));
        var raw = new AesCtrRandom(seeds[0].SeedWith(1).ToArray());
        Assert.DoesNotContain(raw.NextRing<ulong>(1 << 14), pad.Contains);
        foreach (var label in labels)
        {
            using var other = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds[0].SeedWith(1), label));
            Assert.DoesNotContain(other.NextRing<ulong>(1 << 14), pad.Contains);
        }
        // Both runtimes draw the same bit pads: NextXor of all three parties XORs to zero.
        var z = Enumerable.Range(0, 3).Select(i => new ZeroSharing<ulong>(seeds[i], "mpc/zero-sharing/bits").NextXor(100)).ToArray();
        for (int i = 0; i < 100; i++) Assert.Equal(0UL, z[0][i] ^ z[1][i] ^ z[2][i]);
    }

    // correctness: ulong runtime, every length 0..70, two ANDs at once (Task.WhenAll), and chained ANDs.
    [Fact]
    public async Task AndsEqualTheClearAndsInZ64AtEveryLengthAndWhenTwoRunAtOnce()
    {
        var random = new Random(Property.BaseSeed + 6);
        for (int w = 0; w <= 70; w += w < 8 ? 1 : 9)
        {
            var (x, y, u) = (Words(random, w), Words(random, w), Words(random, w));
            var opened = await LocalHarness.RunAsync<ulong, ulong[][]>(3, async rt =>
            {
                Assert.True(Multiplication.ResharesInPairs(rt));
                var (sx, sy, su) = (Split(rt, x, 1), Split(rt, y, 2), Split(rt, u, 3));
                var both = await Task.WhenAll(BinaryCircuits.AndAsync(rt, sx, sy), BinaryCircuits.AndAsync(rt, sy, su));
                var chained = await BinaryCircuits.AndAsync(rt, both[0], both[1]);
                return [await Opening.OpenBitsAsync(rt, both[0]), await Opening.OpenBitsAsync(rt, both[1]), await Opening.OpenBitsAsync(rt, chained)];
            }, Replicated);
            for (int i = 0; i < w; i++)
            {
                Assert.Equal(x[i] & y[i], opened[0][0][i]);
                Assert.Equal(y[i] & u[i], opened[0][1][i]);
                Assert.Equal(x[i] & y[i] & u[i], opened[0][2][i]);
            }
        }
    }

    // a neighbour's message of the wrong length is a typed abort naming that party.
    [Fact]
    public async Task AnAndMessageOfTheWrongLengthAbortsWithAProtocolAbortedException()
    {
        var network = new InMemoryNetwork(3, TimeSpan.FromSeconds(30));
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        var runtimes = Enumerable.Range(0, 3).Select(i =>
        {
            IPartyChannel channel = i == 1 ? new TamperingChannel(network.GetChannel(1), (peer, p) => peer == 0 ? p[..^8] : p) : network.GetChannel(i);
            return new MpcRuntime<ulong>(channel, new ReplicatedPreprocessing<ulong>(network.GetChannel(i), seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        }).ToArray();
        try
        {
            var tasks = runtimes.Select(rt => Task.Run(() => BinaryCircuits.AndAsync(rt, new ulong[4], new ulong[4]))).ToArray();
            var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => tasks[0]);
            Assert.NotNull(error.PartyName);
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    // the helper's dealt shares of the wrong length: party 1 aborts with a typed exception, the harness ends.
    [Fact]
    public async Task MalformedDealtSharesAbortTheTruncationWithAProtocolAbortedException()
    {
        var network = new InMemoryNetwork(3, TimeSpan.FromSeconds(30));
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        var runtimes = Enumerable.Range(0, 3).Select(i =>
        {
            IPartyChannel pre = i == 2 ? new TamperingChannel(network.GetChannel(2), (peer, p) => peer == 1 ? p[..^8] : p) : network.GetChannel(i);
            return new MpcRuntime<ulong>(network.GetChannel(i), new ReplicatedPreprocessing<ulong>(pre, seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        }).ToArray();
        try
        {
            var tasks = runtimes.Select(rt => Task.Run(() => Truncation.TruncateRawAsync(rt, new ulong[16], 16))).ToArray();
            var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => tasks[1]);
            Assert.Equal(network.GetChannel(1).GetPartyName(2), error.PartyName);
            await tasks[0];
            await tasks[2];
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    // a truncation that fails before it awaits the dealt shares fails typed, and the dealt shares' own fault is observed.
    [Fact]
    public async Task AFailureBeforeTheDealtSharesAreAwaitedIsTypedAndLeavesNoFaultUnobserved()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, e) => { foreach (var inner in e.Exception.InnerExceptions) unobserved.Enqueue(inner); };
        TaskScheduler.UnobservedTaskException += handler;
        try
        {
            await RunAndDropAsync();
            for (int i = 0; i < 5; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                await Task.Delay(100);
            }
            // The helper (party 2) sent 16 * 16 - 8 = 248 bytes of dealt shares where 256 were expected: that fault is observed.
            Assert.DoesNotContain(unobserved, e => e is ProtocolAbortedException && e.Message.StartsWith("Party 2 sent 248 bytes", StringComparison.Ordinal));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= handler;
        }

        static async Task RunAndDropAsync()
        {
            var network = new InMemoryNetwork(3, TimeSpan.FromSeconds(30));
            var seeds = PairwiseSeeds.CreateForLocalParties(3);
            // Party 0's masked value to party 1 is short (the truncation fails in its receive loop), and the helper's dealt shares too.
            var runtimes = Enumerable.Range(0, 3).Select(i =>
            {
                IPartyChannel online = i == 0 ? new TamperingChannel(network.GetChannel(0), (peer, p) => peer == 1 ? p[..^8] : p) : network.GetChannel(i);
                IPartyChannel pre = i == 2 ? new TamperingChannel(network.GetChannel(2), (peer, p) => peer == 1 ? p[..^8] : p) : network.GetChannel(i);
                return new MpcRuntime<ulong>(online, new ReplicatedPreprocessing<ulong>(pre, seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
            }).ToArray();
            var tasks = runtimes.Select(rt => Task.Run(() => Truncation.TruncateRawAsync(rt, new ulong[16], 16))).ToArray();
            var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => tasks[1]);
            Assert.Equal(network.GetChannel(1).GetPartyName(0), error.PartyName);
            await Task.Delay(200);
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    // minimum batches: a run of requests of every size, with and without forecasts, leaves less than one minimum batch.
    [Theory]
    [InlineData(1024, 8192, 2, 64)]
    [InlineData(256, 8192, 2, 16)]
    [InlineData(8192, 1 << 18, 128, 512)]
    [InlineData(1024, 64, 2, 64)]
    public async Task BatchPoolWasteStaysBelowOneMinimumAndSizesAreDeterministic(int first, int max, int granularity, int minimum)
    {
        var random = new Random(Property.BaseSeed + minimum);
        // Batch index and size, as produced: batches run two at a time, so they are compared in index order.
        var sizes = new[] { new List<(long, int)>(), new List<(long, int)>() };
        var pools = sizes.Select(list => new BatchPool<int[]>((index, size) => { lock (list) list.Add((index, size)); return Task.FromResult(new int[size]); }, first, max, granularity, minimum)).ToArray();
        for (int step = 0; step < 2000; step++)
        {
            int kind = random.Next(10);
            int count = kind switch { 0 => 0, 1 => random.Next(100_000), 2 => random.Next(minimum * 3), _ => random.Next(1, 8) };
            if (kind == 3)
            {
                foreach (var pool in pools) pool.Forecast(count);
                foreach (var pool in pools) pool.Reserve(count);
            }
            else
            {
                foreach (var pool in pools) pool.Reserve(count);
            }
            Assert.InRange(pools[0].Produced - pools[0].Reserved, 0, minimum - 1);
        }
        Assert.Empty(pools[0].Reserve(0));
        await Task.WhenAll(pools.SelectMany(p => p.Started));
        Assert.Equal(sizes[0].Order(), sizes[1].Order());
    }

    private static MpcRuntime<T>[] Runtimes<T>(ConcurrentQueue<(int, byte[])> receivedAtZero)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var network = new InMemoryNetwork(3, TimeSpan.FromMinutes(2));
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        return [.. Enumerable.Range(0, 3).Select(i =>
        {
            IPartyChannel channel = i == 0 ? new TamperingChannel(network.GetChannel(0), null, (peer, p) => receivedAtZero.Enqueue((peer, p))) : network.GetChannel(i);
            return new MpcRuntime<T>(channel, new ReplicatedPreprocessing<T>(network.GetChannel(i), seeds[i]), FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        })];
    }

    private static ulong[] Words(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40))];

    private static ulong[] Split<T>(MpcRuntime<T> runtime, ulong[] values, int salt)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var others = new ulong[runtime.PartyCount][];
        for (int p = 1; p < runtime.PartyCount; p++) others[p] = Words(new Random(salt * 31 + p), values.Length);
        if (runtime.PartyIndex != 0) return others[runtime.PartyIndex];
        var shares = (ulong[])values.Clone();
        for (int p = 1; p < runtime.PartyCount; p++) BitSlicing.Xor(shares, others[p], shares);
        return shares;
    }

    // Rewrites what it sends, reports what it receives.
    private sealed class TamperingChannel(IPartyChannel inner, Func<int, byte[], byte[]>? onSend, Action<int, byte[]>? onReceived = null) : IPartyChannel
    {
        public int PartyIndex => inner.PartyIndex;

        public int PartyCount => inner.PartyCount;

        public string GetPartyName(int index) => inner.GetPartyName(index);

        public ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            inner.SendAsync(peer, tag, onSend is null ? payload : onSend(peer, payload.ToArray()), cancellationToken);

        public async ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
        {
            var payload = await inner.ReceiveAsync(peer, tag, cancellationToken);
            onReceived?.Invoke(peer, (byte[])payload.Clone());
            return payload;
        }
    }
}
