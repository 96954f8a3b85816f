using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann;

/// <summary>
/// Pooled sums without DP (trusted settings): each party's local sum enters a secure sum and the
/// exact total is opened to every party as the declared intermediate output. What leaks: every
/// party learns the exact pooled data term of every step (with two parties, the other's local sum).
/// </summary>
public sealed class MpcStatisticsPool<T> : IStatisticsPool
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly MpcRuntime<T> _runtime;
    private readonly string _output;

    public MpcStatisticsPool(MpcRuntime<T> runtime, string output)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        _runtime = runtime;
        _output = output;
    }

    public bool IsPrivate => false;

    public Random SubsamplingRandom { get; } = new(0);

    public async Task<double> TotalRowsAsync(int localRows) => (await SumAsync("rows", [[localRows]], 1).ConfigureAwait(false))[0];

    public void Plan(IReadOnlyList<StatisticsRelease> releases)
    {
    }

    public async Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension)
    {
        var local = StatisticsSum.Of(records, dimension);
        var sum = await Input.SumAcrossPartiesAsync(_runtime, local, 1, _runtime.Format.FractionalBits).ConfigureAwait(false);
        return await Opening.RevealRealAsync(_runtime, sum, _output).ConfigureAwait(false);
    }
}
