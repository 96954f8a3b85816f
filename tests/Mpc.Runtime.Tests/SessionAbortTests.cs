using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class SessionAbortTests
{
    [Fact]
    public async Task AFailingPartyAbortsTheSessionAndIsNamed()
    {
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => LocalHarness.RunAsync<ulong, double[]>(3, async rt =>
        {
            var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? [1.0, 2.0] : null, 2, 1, 16);
            if (rt.PartyIndex == 2) throw new InvalidDataException("bad row 7 in cohort.csv");
            var y = await Multiplication.MultiplyAsync(rt, x, x);
            return await Opening.RevealRealAsync(rt, y, "square");
        }));
        Assert.Equal("party3", error.PartyName);
        Assert.Contains("bad row 7 in cohort.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASilentPartyTimesOutWithItsName()
    {
        // The dealer keeps this about the online phase: with a 300 ms timeout, base OTs under load could time out first.
        var options = new LocalHarnessOptions { ReceiveTimeout = TimeSpan.FromMilliseconds(300), Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer };
        using var release = new SemaphoreSlim(0);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => LocalHarness.RunAsync<ulong, int>(3, async rt =>
        {
            var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? [1.0] : null, 1, 1, 16);
            // Party 1 never takes part in the multiplication.
            if (rt.PartyIndex == 1) await release.WaitAsync(rt.Cancellation);
            await Multiplication.MultiplyAsync(rt, x, x);
            return 0;
        }, options));
        Assert.Equal("party2", error.PartyName);
        Assert.Contains("party party2 sent nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedRevealAbortsEveryPartyAndRevealsNothing()
    {
        var policy = new NamedOutputsPolicy("mean");
        var revealed = new System.Collections.Concurrent.ConcurrentBag<double[]>();
        var error = await Assert.ThrowsAsync<RevealRefusedException>(() => LocalHarness.RunAsync<ulong, int>(3, async rt =>
        {
            var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? [5.0, 7.0] : null, 2, 1, 16);
            revealed.Add(await Opening.RevealRealAsync(rt, x, "raw_rows"));
            return 0;
        }, new LocalHarnessOptions { RevealPolicy = policy }));
        Assert.Equal("raw_rows", error.OutputName);
        Assert.Empty(revealed);
    }

    [Fact]
    public async Task ValuesOutsideTheRangeAreRejectedAtInput()
    {
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => LocalHarness.RunAsync<ulong, int>(2, rt =>
        {
            Input.Share(rt, 0, rt.PartyIndex == 0 ? [1.0, 1e15] : null, 2, 1, 16);
            return Task.FromResult(0);
        }));
        // Peers learn the kind of problem, never the value or its position.
        Assert.Contains(RuntimeErrors.ShareOutOfRange(), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1000000000000000", error.Message, StringComparison.Ordinal);
        Assert.Equal("party1", error.PartyName);
    }

    private sealed class NamedOutputsPolicy(params string[] allowed) : IRevealPolicy
    {
        public void CheckReveal(string outputName, int elementCount, RevealRecipient recipient)
        {
            if (!allowed.Contains(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "not a declared output."));
        }

        public void CheckNoisedRelease(string outputName, NoisedRelease release) =>
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "no DP outputs in this test."));

        public void CheckDisclosure(string outputName, DisclosureKind kind, string column, IReadOnlyList<double> localSizes)
        {
        }
    }
}
