using System.Numerics;
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
        // Two message rounds through the leader, not a secure sum and a full-mesh opening (issue 29: 20 parties in one process).
        return await Opening.RevealSumAcrossPartiesAsync(_runtime, StatisticsSum.Of(records, dimension), _runtime.Format.FractionalBits, _output).ConfigureAwait(false);
    }
}
