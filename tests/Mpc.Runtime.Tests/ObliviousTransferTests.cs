using System.Runtime.InteropServices;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Tests;

public class ObliviousTransferTests
{
    // 6 words take the four-word path and then single blocks; 8, 16 and 29 the eight-word path and what is left.
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(29)]
    public void BitTransposeMatchesTheDefinition(int words)
    {
        int seed = Property.BaseSeed;
        var random = new Random(seed);
        var columns = new ulong[128 * words];
        for (int i = 0; i < columns.Length; i++) columns[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        var rows = new ulong[128 * words];
        BitTranspose.ColumnsToRows(columns, words, rows);
        for (int j = 0; j < 64 * words; j++)
            for (int i = 0; i < 128; i++)
            {
                bool expected = BitSlicing.Get(columns.AsSpan(i * words, words), j);
                bool actual = ((rows[2 * j + (i >> 6)] >> (i & 63)) & 1) != 0;
                Assert.True(expected == actual, $"seed {seed}: row {j} column {i}");
            }
    }

    // 70 words span three tiles (the last one partial); m below 64 * words leaves the tail rows out.
    [Theory]
    [InlineData(6, 384)]
    [InlineData(70, 4480)]
    [InlineData(70, 4400)]
    public void HashedRowsOfStridedColumnsEqualTheTransposeHashedAfterwards(int words, int m)
    {
        int seed = Property.BaseSeed;
        var random = new Random(seed);
        var columns = new ulong[128 * words];
        for (int i = 0; i < columns.Length; i++) columns[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        ulong[] delta = [(ulong)random.NextInt64(), (ulong)random.NextInt64()];
        using var hash = new CorrelationRobustHash();
        var rows = new ulong[128 * words];
        BitTranspose.ColumnsToRows(columns, words, rows);
        var expected0 = new ulong[2 * m];
        var expected1 = new ulong[2 * m];
        hash.Hash(rows.AsSpan(0, 2 * m), new ulong[2], expected0);
        hash.Hash(rows.AsSpan(0, 2 * m), delta, expected1);
        // The extensions lay their columns out ColumnStride apart, with the gaps left stale.
        int stride = BitTranspose.ColumnStride(words);
        var strided = Enumerable.Repeat(ulong.MaxValue, 128 * stride).ToArray();
        for (int i = 0; i < 128; i++) columns.AsSpan(i * words, words).CopyTo(strided.AsSpan(i * stride));
        var actual0 = new ulong[2 * m];
        var actual1 = new ulong[2 * m];
        BitTranspose.ColumnsToHashedRows(strided, words, m, hash, new ulong[2], actual0, delta, actual1);
        var stridedRows = new ulong[128 * words];
        BitTranspose.StridedColumnsToRows(strided, words, stridedRows);
        Assert.True(rows.AsSpan().SequenceEqual(stridedRows), $"seed {seed}: strided rows differ");
        Assert.True(expected0.AsSpan().SequenceEqual(actual0), $"seed {seed}: hashes without offset differ");
        Assert.True(expected1.AsSpan().SequenceEqual(actual1), $"seed {seed}: hashes with Delta differ");
    }

    // An independent AES (BouncyCastle's) on one 16-byte block.
    private static byte[] ReferenceAes(byte[] key, byte[] block)
    {
        var engine = new Org.BouncyCastle.Crypto.Engines.AesEngine();
        engine.Init(true, new Org.BouncyCastle.Crypto.Parameters.KeyParameter(key));
        var output = new byte[16];
        engine.ProcessBlock(block, 0, output, 0);
        return output;
    }

    [Fact]
    public void TaggedPrgStreamsOfOneTagAgreeWhateverTheLengthsDrawnBefore()
    {
        var key = Convert.FromHexString("0f0e0d0c0b0a09080706050403020100");
        using var prg = new TaggedPrg(key);
        // One thread's counter blocks are cached per tag: a longer draw after a shorter one, and the reverse, must not reuse stale ones.
        foreach (var (tag, blocks) in new[] { (7L, 64), (7L, 1500), (7L, 64), (8L, 1500), (7L, 1500) })
        {
            var array = new byte[16 * blocks];
            prg.Fill(tag, array, 0, array.Length);
            for (int i = 0; i < blocks; i++)
            {
                var block = new byte[16];
                BitConverter.TryWriteBytes(block.AsSpan(0, 8), (ulong)i);
                BitConverter.TryWriteBytes(block.AsSpan(8, 8), tag);
                Assert.Equal(ReferenceAes(key, block), array[(16 * i)..(16 * i + 16)]);
            }
        }
    }

    [Fact]
    public void TaggedPrgIsAesCounterModeWithTheTagAsNonce()
    {
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        // FIPS-197 appendix C.1 first, so the reference itself is pinned.
        Assert.Equal("69C4E0D86A7B0430D8CDB78070B4C55A", Convert.ToHexString(ReferenceAes(key, Convert.FromHexString("00112233445566778899aabbccddeeff"))));
        long tag = (1L << 62) | 12345;
        using var prg = new TaggedPrg(key);
        // Small and large streams take different paths; each size is drawn twice, so kept ciphers are reused.
        foreach (int blocks in new[] { 1, 64, 511, 512, 1500, 1, 1500 })
        {
            var stream = new ulong[2 * blocks];
            prg.Fill(tag + blocks, stream);
            var oneOff = new ulong[stream.Length];
            TaggedPrg.Fill(key, tag + blocks, oneOff);
            Assert.Equal(stream, oneOff);
            // The hot path fills a byte array at an offset, and nothing around it.
            var array = new byte[16 * blocks + 48];
            prg.Fill(tag + blocks, array, 32, 16 * blocks);
            Assert.Equal(MemoryMarshal.AsBytes(stream.AsSpan()).ToArray(), array[32..^16]);
            Assert.All(array[..32].Concat(array[^16..]), b => Assert.Equal(0, b));
            foreach (int i in new[] { 0, blocks / 2, blocks - 1 })
            {
                var block = new byte[16];
                BitConverter.TryWriteBytes(block.AsSpan(0, 8), (ulong)i);
                BitConverter.TryWriteBytes(block.AsSpan(8, 8), tag + blocks);
                Assert.Equal(ReferenceAes(key, block), MemoryMarshal.AsBytes(stream.AsSpan(2 * i, 2)).ToArray());
            }
        }
    }

    [Fact]
    public void CorrelationRobustHashIsFixedKeyAesOfTheOrthomorphism()
    {
        var fixedKey = System.Security.Cryptography.SHA256.HashData("mpc/ccr-hash/fixed-key/v1"u8)[..16];
        var random = new Random(Property.BaseSeed);
        int blocks = 5000;
        var input = new ulong[2 * blocks];
        for (int i = 0; i < input.Length; i++) input[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33);
        var offset = new[] { 0x0123456789abcdefUL, 0xfedcba9876543210UL };
        var output = new ulong[input.Length];
        using var hash = new CorrelationRobustHash();
        hash.Hash(input, offset, output);
        foreach (int j in new[] { 0, 4095, 4096, 4999 })
        {
            ulong lo = input[2 * j] ^ offset[0], hi = input[2 * j + 1] ^ offset[1];
            // sigma(hi, lo) = (hi XOR lo, hi): low word hi, high word hi XOR lo.
            var sigma = new byte[16];
            BitConverter.TryWriteBytes(sigma.AsSpan(0, 8), hi);
            BitConverter.TryWriteBytes(sigma.AsSpan(8, 8), hi ^ lo);
            var expected = ReferenceAes(fixedKey, sigma);
            for (int b = 0; b < 16; b++) expected[b] ^= sigma[b];
            Assert.True(expected.AsSpan().SequenceEqual(MemoryMarshal.AsBytes(output.AsSpan(2 * j, 2))), $"seed {Property.BaseSeed}: block {j}");
        }
    }

    [Fact]
    public async Task BaseTransferGivesTheReceiverExactlyTheChosenKeys()
    {
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        var choices = Enumerable.Range(0, 128).Select(i => (i * 7 % 3) == 0).ToArray();
        var send = BaseObliviousTransfer.SendAsync(network.GetChannel(0), 1, 100, 128, default);
        var receive = BaseObliviousTransfer.ReceiveAsync(network.GetChannel(1), 0, 100, choices, default);
        var (keys0, keys1) = await send;
        var keys = await receive;
        for (int i = 0; i < 128; i++)
        {
            Assert.Equal(choices[i] ? keys1[i] : keys0[i], keys[i]);
            Assert.NotEqual(choices[i] ? keys0[i] : keys1[i], keys[i]);
        }
    }

    [Fact]
    public void KeysFromExtensionRowsAreSha256OfTheDomainTagIndexAndWholeRow()
    {
        // Python: hashlib.sha256(b"mpc/base-ot-from-extension/v1" + struct.pack("<qiQQ", tag, 5, low, high)).hexdigest()[:32]
        long tag = PreprocessingTags.Setup(128, 3, 1);
        Assert.Equal(0x4840000030010000, tag);
        Assert.Equal("e85b04e8f39e83bf40ab402aa39525ec", Convert.ToHexStringLower(BaseObliviousTransfer.KeyFromExtensionRow(tag, 5, 0x0123456789abcdef, 0xfedcba9876543210)));
        // The row's high word counts as much as its low one.
        Assert.Equal("fffdf9e512b255d91d8485410d154676", Convert.ToHexStringLower(BaseObliviousTransfer.KeyFromExtensionRow(tag, 5, 0x0123456789abcdef, 0xfedcba9876543211)));
    }

    [Fact]
    public async Task BaseTransferRejectsAnInvalidPoint()
    {
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        var bogus = new byte[65];
        bogus[0] = 4;
        bogus[64] = 5;
        await network.GetChannel(0).SendAsync(1, 100, bogus, default);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => BaseObliviousTransfer.ReceiveAsync(network.GetChannel(1), 0, 100, new bool[128], default));
        Assert.Contains("invalid curve point", error.Message);
    }

    // Party 0 sends, party 1 receives, over real base OTs and puncturing; or, derived, over 128 OTs extended on an instance in which
    // party 1 sends to party 0 (itself set up by base OTs), as OtSession sets up the second direction of a pair.
    private static async Task<(SoftSpokenSender Sender, SoftSpokenReceiver Receiver)> SetUpExtensionAsync(InMemoryNetwork network, bool derived = false)
    {
        if (derived)
        {
            var reverseSender = SoftSpokenSender.SetupAsync(network.GetChannel(1), 0, 100, default);
            var reverseReceiver = SoftSpokenReceiver.SetupAsync(network.GetChannel(0), 1, 100, default);
            using var reverseS = await reverseSender;
            using var reverseR = await reverseReceiver;
            var derivedSender = SoftSpokenSender.SetupFromReverseAsync(network.GetChannel(0), 1, 200, reverseR, default);
            var derivedReceiver = SoftSpokenReceiver.SetupFromReverseAsync(network.GetChannel(1), 0, 200, reverseS, default);
            return (await derivedSender, await derivedReceiver);
        }
        var senderTask = SoftSpokenSender.SetupAsync(network.GetChannel(0), 1, 200, default);
        var receiverTask = SoftSpokenReceiver.SetupAsync(network.GetChannel(1), 0, 200, default);
        return (await senderTask, await receiverTask);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtensionRowsDifferByDeltaExactlyWhereTheReceiverChose(bool derived)
    {
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        var (senderInstance, receiverInstance) = await SetUpExtensionAsync(network, derived);
        using var sender = senderInstance;
        using var receiver = receiverInstance;
        using var random = AesCtrRandom.CreateFromSystem();
        for (int round = 0; round < 2; round++)
        {
            var choices = random.NextRing<ulong>(8);
            var q = sender.ExtendAsync(network.GetChannel(0), 1, 300 + round, 512, default);
            var t = await receiver.ExtendAsync(network.GetChannel(1), 0, 300 + round, choices, default);
            var rows = await q;
            for (int j = 0; j < 512; j++)
            {
                bool c = BitSlicing.Get(choices, j);
                Assert.Equal(rows[2 * j] ^ (c ? sender.Delta[0] : 0), t[2 * j]);
                Assert.Equal(rows[2 * j + 1] ^ (c ? sender.Delta[1] : 0), t[2 * j + 1]);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PuncturingLeavesTheSenderEverySeedButTheOneAtItsDeltaBlock(bool derived)
    {
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        var (senderInstance, receiverInstance) = await SetUpExtensionAsync(network, derived);
        using var sender = senderInstance;
        using var receiver = receiverInstance;
        for (int b = 0; b < 64; b++)
        {
            int punctured = (BitSlicing.Get(sender.Delta, 2 * b) ? 1 : 0) + (BitSlicing.Get(sender.Delta, 2 * b + 1) ? 2 : 0);
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(16, receiver.Seed(b, x).Length);
                if (x == punctured) Assert.Equal(0, sender.Seed(b, x).Length);
                else Assert.Equal(receiver.Seed(b, x).ToArray(), sender.Seed(b, x).ToArray());
            }
            // The four seeds of a block are distinct, so the punctured one is not a copy of a known one.
            Assert.Equal(4, Enumerable.Range(0, 4).Select(x => Convert.ToHexString(receiver.Seed(b, x))).Distinct().Count());
        }
    }

    [Fact]
    public async Task ReceiverOutputsForUnchosenBitsDoNotDependOnTheSendersInput()
    {
        // Replay the same extension (same base keys, Delta and choices) with two different sender inputs.
        var keys0 = Enumerable.Range(0, 128).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var keys1 = Enumerable.Range(0, 128).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var delta = MemoryMarshal.Cast<byte, ulong>(AesCtrRandom.NewSeed()).ToArray();
        var (_, seeds, _) = SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7);
        using var random = AesCtrRandom.CreateFromSystem();
        var choices = random.NextRing<ulong>(4);
        // With 64 bits per entry, entry e's chosen value is simply word e of the choice bits.
        var choiceValues = choices;

        async Task<(ulong[] Receiver, ulong[] Sender)> RunAsync(ulong[] x)
        {
            var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
            using var senderSession = OtSession.FromInstances(network.GetChannel(0), [null, SoftSpokenSender.FromSeeds(delta, seeds, "party1")], [null, null]);
            using var receiverSession = OtSession.FromInstances(network.GetChannel(1), [null, null], [SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7).Receiver, null]);
            var send = ObliviousProducts.SendAsync(senderSession, 1, 10, x, 4, 64, 1, default);
            var receive = ObliviousProducts.ReceiveAsync<ulong>(receiverSession, 0, 10, choices, 4, 64, 1, default);
            var s = await send;
            var r = await receive;
            return (r, s);
        }

        var x1 = random.NextRing<ulong>(4);
        var x2 = random.NextRing<ulong>(4);
        var (r1, s1) = await RunAsync(x1);
        var (r2, s2) = await RunAsync(x2);
        for (int e = 0; e < 4; e++)
        {
            Assert.Equal(unchecked(x1[e] * choiceValues[e]), unchecked(r1[e] + s1[e]));
            Assert.Equal(unchecked(x2[e] * choiceValues[e]), unchecked(r2[e] + s2[e]));
            // The sender's pads are the same in both runs; the receiver's share moves by exactly b * (x2 - x1).
            Assert.Equal(s1[e], s2[e]);
            Assert.Equal(unchecked(r1[e] + choiceValues[e] * (x2[e] - x1[e])), r2[e]);
        }

        // A product with b = 0 (no bit chosen) gives the receiver the same output whatever the sender's input.
        var zeroChoice = new ulong[2];
        async Task<ulong[]> ZeroAsync(ulong[] x)
        {
            var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
            using var senderSession = OtSession.FromInstances(network.GetChannel(0), [null, SoftSpokenSender.FromSeeds(delta, seeds, "party1")], [null, null]);
            using var receiverSession = OtSession.FromInstances(network.GetChannel(1), [null, null], [SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7).Receiver, null]);
            var send = ObliviousProducts.SendAsync(senderSession, 1, 10, x, 2, 64, 1, default);
            var r = await ObliviousProducts.ReceiveAsync<ulong>(receiverSession, 0, 10, zeroChoice, 2, 64, 1, default);
            await send;
            return r;
        }
        Assert.Equal(await ZeroAsync(x1[..2]), await ZeroAsync(x2[..2]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task ProductsWantedModuloFewerBitsAreRightModuloThoseBits(int length)
    {
        // Z_2^128 shares wanted modulo 2^70 only: 50 choice bits per entry, scalars and 7-element vectors (the vector path stretches hashes).
        var keys0 = Enumerable.Range(0, 128).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var keys1 = Enumerable.Range(0, 128).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var delta = MemoryMarshal.Cast<byte, ulong>(AesCtrRandom.NewSeed()).ToArray();
        var (_, seeds, _) = SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7);
        using var random = AesCtrRandom.CreateFromSystem();
        int entries = 5, bits = 50, outputBits = 70;
        var values = random.NextRing<UInt128>(entries);
        var choices = new ulong[ObliviousProducts.PaddedCount(entries * bits) / 64];
        for (int e = 0; e < entries; e++)
            for (int l = 0; l < bits; l++)
                if (((values[e] >> l) & 1) != 0) choices[(e * bits + l) >> 6] |= 1UL << ((e * bits + l) & 63);
        var x = random.NextRing<UInt128>(entries * length);
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        using var senderSession = OtSession.FromInstances(network.GetChannel(0), [null, SoftSpokenSender.FromSeeds(delta, seeds, "party1")], [null, null]);
        using var receiverSession = OtSession.FromInstances(network.GetChannel(1), [null, null], [SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7).Receiver, null]);
        var send = ObliviousProducts.SendAsync(senderSession, 1, 10, x, entries, bits, length, outputBits, default);
        var r = await ObliviousProducts.ReceiveAsync<UInt128>(receiverSession, 0, 10, choices, entries, bits, length, outputBits, default);
        var s = await send;
        var low = (UInt128.One << outputBits) - 1;
        for (int e = 0; e < entries; e++)
            for (int u = 0; u < length; u++)
            {
                var b = values[e] & ((UInt128.One << bits) - 1);
                Assert.Equal(unchecked(b * x[e * length + u]) & low, unchecked(r[e * length + u] + s[e * length + u]) & low);
            }
    }

    // Scalar products are made a tile of 2048 rows at a time: entries that straddle tiles, choice widths that do not divide
    // the tile, the chosen-bits walk of 64-bit choices and the last fields at the payload's end.
    [Theory]
    [InlineData(13, 700, 40)]
    [InlineData(64, 100, 64)]
    [InlineData(64, 33, 64)]
    [InlineData(3, 1500, 64)]
    public async Task ScalarProductsAcrossHashTilesAreRightForEveryEntry(int bits, int entries, int outputBits)
    {
        var keys0 = Enumerable.Range(0, 128).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var keys1 = Enumerable.Range(0, 128).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var delta = MemoryMarshal.Cast<byte, ulong>(AesCtrRandom.NewSeed()).ToArray();
        var (_, seeds, _) = SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7);
        using var random = AesCtrRandom.CreateFromSystem();
        var values = random.NextRing<ulong>(entries);
        var choices = new ulong[ObliviousProducts.PaddedCount(entries * bits) / 64];
        for (int e = 0; e < entries; e++)
            for (int l = 0; l < bits; l++)
                if (((values[e] >> l) & 1) != 0) choices[(e * bits + l) >> 6] |= 1UL << ((e * bits + l) & 63);
        var x = random.NextRing<ulong>(entries);
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        using var senderSession = OtSession.FromInstances(network.GetChannel(0), [null, SoftSpokenSender.FromSeeds(delta, seeds, "party1")], [null, null]);
        using var receiverSession = OtSession.FromInstances(network.GetChannel(1), [null, null], [SoftSpokenReceiver.FromBaseKeys(keys0, keys1, 7).Receiver, null]);
        var send = ObliviousProducts.SendAsync(senderSession, 1, 10, x, entries, bits, 1, outputBits, default);
        var r = await ObliviousProducts.ReceiveAsync<ulong>(receiverSession, 0, 10, choices, entries, bits, 1, outputBits, default);
        var s = await send;
        ulong low = outputBits == 64 ? ulong.MaxValue : (1UL << outputBits) - 1, chosen = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        for (int e = 0; e < entries; e++) Assert.Equal(unchecked((values[e] & chosen) * x[e]) & low, unchecked(r[e] + s[e]) & low);
    }

    [Fact]
    public async Task CorrectionsLookUniformEvenWhenTheSendersInputIsConstant()
    {
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        var senderSession = OtSession.SetupAsync(network.GetChannel(0), 64, default);
        var receiverSession = OtSession.SetupAsync(network.GetChannel(1), 64, default);
        using var s = await senderSession;
        using var r = await receiverSession;
        using var random = AesCtrRandom.CreateFromSystem();
        int entries = 4096;
        var choices = random.NextRing<ulong>(entries);
        var x = new ulong[entries];
        var send = ObliviousProducts.SendAsync(s, 1, 10, x, entries, 1, 1, default);
        // Read the raw correction message as the receiver sees it: with x = 0 it is H(q) - H(q XOR Delta).
        await r.ReceiverFrom(0).ExtendAsync(network.GetChannel(1), 0, 10, choices[..(entries / 64)], default);
        await send;
        var corrections = await network.GetChannel(1).ReceiveAsync(0, 11, default);
        var histogram = new long[256];
        foreach (var b in corrections) histogram[b]++;
        double expected = corrections.Length / 256.0;
        double chi = histogram.Sum(h => (h - expected) * (h - expected) / expected);
        // 255 degrees of freedom: the 0.9999 quantile is about 340.
        Assert.True(chi < 340, $"chi-square {chi:F1} over {corrections.Length} correction bytes");
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task OtMaterialIsCorrectWhenRecombined(int parties)
    {
        var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(60));
        var sources = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<ulong>(network.GetChannel(i))).ToArray();
        await PreprocessingChecks.CheckAllAsync(sources);
        foreach (var source in sources) source.Dispose();
        var wide = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<UInt128>(network.GetChannel(i))).ToArray();
        await PreprocessingChecks.CheckTriplesAsync(wide, 1000);
        var matrices = await Task.WhenAll(wide.Select(s => s.GetMatrixTripleAsync(3, 4, 5, default).AsTask()));
        var product = new UInt128[15];
        RingArithmetic<UInt128>.MatrixMultiply(PreprocessingChecks.Sum(matrices.Select(t => t.A)), PreprocessingChecks.Sum(matrices.Select(t => t.B)), product, 3, 4, 5);
        Assert.Equal(product, PreprocessingChecks.Sum(matrices.Select(t => t.C)));
        foreach (var source in wide) source.Dispose();
    }

    [Fact]
    public async Task AFullSessionDerivesTheDescendingDirectionsWithoutBaseTransfersAndADaBitsOnlyOneSkipsThem()
    {
        const int parties = 4;
        async Task<(CountingChannel[] Channels, OtSession[] Sessions)> SetUp(bool ascendingOnly)
        {
            var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(60));
            var channels = Enumerable.Range(0, parties).Select(i => new CountingChannel(network.GetChannel(i))).ToArray();
            return (channels, await Task.WhenAll(channels.Select(c => OtSession.SetupAsync(c, 64, default, ascendingOnly))));
        }
        var (full, fullSessions) = await SetUp(false);
        var (half, halfSessions) = await SetUp(true);
        // Both run the same base transfers (an A point, 128 B points of 65 bytes and the puncturing message per pair); a descending
        // instance costs only 128 extended OTs' corrections and its puncturing message.
        const int pairs = parties * (parties - 1) / 2;
        Assert.Equal(pairs * (65 + 128 * 65 + 2048), half.Sum(c => c.BytesSent));
        Assert.Equal(pairs * (128 * 8 + 2048), full.Sum(c => c.BytesSent) - half.Sum(c => c.BytesSent));
        for (int self = 0; self < parties; self++)
            for (int peer = 0; peer < parties; peer++)
            {
                if (peer == self) continue;
                Assert.NotNull(fullSessions[self].SenderTo(peer));
                Assert.NotNull(fullSessions[self].ReceiverFrom(peer));
                var session = halfSessions[self];
                if (self < peer) Assert.NotNull(session.SenderTo(peer));
                else Assert.Throws<InvalidOperationException>(() => session.SenderTo(peer));
                if (peer < self) Assert.NotNull(session.ReceiverFrom(peer));
                else Assert.Throws<InvalidOperationException>(() => session.ReceiverFrom(peer));
            }
        foreach (var session in fullSessions.Concat(halfSessions)) session.Dispose();

        // The engine built on such a session makes daBits (and what is made of them) as the full one does, and nothing else.
        var engines = new InMemoryNetwork(parties, TimeSpan.FromSeconds(60));
        var sources = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<ulong>(engines.GetChannel(i), daBitsOnly: true)).ToArray();
        await PreprocessingChecks.CheckDaBitsAsync(sources);
        // Refused at once, before any production (a peer would otherwise wait on the directions never set up).
        await Assert.ThrowsAsync<InvalidOperationException>(() => sources[0].GetTriplesAsync(10, default).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => sources[1].GetMatrixTripleAsync(2, 2, 2, default).AsTask());
        Assert.Throws<InvalidOperationException>(() => sources[2].Forecast(10, 0, 0));
        foreach (var source in sources) source.Dispose();
    }

    [Theory]
    // Batches grow from 1024 triples to a cap of 8192 (fewer beyond 5 parties): these counts take every size and several full batches.
    [InlineData(2, 1 << 16)]
    [InlineData(3, 1 << 15)]
    [InlineData(5, 1 << 14)]
    [InlineData(9, 1 << 13)]
    public async Task OtTriplesOverManyBatchesAreAllCorrect(int parties, int count)
    {
        var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(120));
        var sources = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<ulong>(network.GetChannel(i))).ToArray();
        await PreprocessingChecks.CheckTriplesAsync(sources, count);
        foreach (var source in sources) source.Dispose();
    }
}
