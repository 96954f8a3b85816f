using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Harness;

/// <summary>
/// Runs N parties of one protocol in this process over an <see cref="InMemoryNetwork"/>, with
/// dealer-free OT preprocessing (or the trusted dealer when asked). The protocol code is the real code; only the transport differs.
/// When a party fails, the others are cancelled and the run throws
/// <see cref="ProtocolAbortedException"/> naming it.
/// </summary>
public static class LocalHarness
{
    public static async Task<TResult[]> RunAsync<T, TResult>(int partyCount, Func<MpcRuntime<T>, Task<TResult>> program, LocalHarnessOptions? options = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(program);
        if (partyCount < 2) throw new ArgumentOutOfRangeException(nameof(partyCount), ErrorMessages.PartyCountOutOfRange(partyCount));
        options ??= new LocalHarnessOptions();
        var format = options.Format ?? (RingArithmetic<T>.Bits == 64 ? FixedPointFormat.Ring64 : FixedPointFormat.Ring128);
        var network = new InMemoryNetwork(partyCount, options.ReceiveTimeout);
        var seeds = PairwiseSeeds.CreateForLocalParties(partyCount);
        var mode = options.Preprocessing;
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(options), mode, null);
        var dealerSecret = options.DealerSecret ?? AesCtrRandom.NewSeed();
        using var abort = new CancellationTokenSource();
        var runtimes = new MpcRuntime<T>[partyCount];
        for (int i = 0; i < partyCount; i++)
        {
            var preprocessing = PreprocessingEngines.Create<T>(mode, network.GetChannel(i), seeds[i],
                i == 0 ? dealerSecret : DealerPreprocessing<T>.PartySeed(dealerSecret, i), abort.Token);
            runtimes[i] = new MpcRuntime<T>(network.GetChannel(i), preprocessing, format, seeds[i], options.RevealPolicy, abort.Token);
        }
        try
        {
            var tasks = runtimes.Select(rt => Task.Run(async () =>
            {
                try
                {
                    return await program(rt).ConfigureAwait(false);
                }
                catch
                {
                    // One party's failure aborts the session everywhere.
                    await abort.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            })).ToArray();
            try
            {
                return await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch
            {
                throw FirstFailure(tasks, runtimes);
            }
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    // The root cause is the failure that is not a cancellation caused by another party's abort.
    private static Exception FirstFailure<TResult>(Task<TResult>[] tasks, IReadOnlyList<IDisposable> runtimes)
    {
        for (int i = 0; i < tasks.Length; i++)
        {
            var error = tasks[i].Exception?.InnerException;
            if (error is null or OperationCanceledException) continue;
            // A refused reveal is the same decision on every party; other aborts already name their cause.
            if (error is RevealRefusedException || error is ProtocolAbortedException { PartyName: not null }) return error;
            return new ProtocolAbortedException(RuntimeErrors.PartyFailed(LocalPartyNames.Of(i), error.Message), LocalPartyNames.Of(i), error);
        }
        return new ProtocolAbortedException(RuntimeErrors.SessionCancelled);
    }
}
