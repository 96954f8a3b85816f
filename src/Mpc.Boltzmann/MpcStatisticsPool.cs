using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann;

/// <summary>
/// Pooled sums without DP (trusted settings): each party's local sum enters a secure sum and the
/// exact total is opened to every party as the declared intermediate output. What leaks: every
/// party learns the exact pooled data term of every step (with two parties, the other's local sum).
/// </summary>
/// <remarks>
/// A sum with a record bound B travels as 64-bit words where B times the pooled row count, at the format's fractional bits,
/// stays below 2^62 (<see cref="Opening.FitsInWords"/>): half the bytes, masks and additions of Z_2^128, and the same opened values.
/// Bytes a step: each party but the leader sends the leader 8 (d + 1) bytes, or 16 (d + 1) in the ring, and receives as many back.
/// </remarks>
public sealed class MpcStatisticsPool<T> : IStatisticsPool
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly MpcRuntime<T> _runtime;
    private readonly string _output;
    private double _rows = double.NaN;

    public MpcStatisticsPool(MpcRuntime<T> runtime, string output)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        _runtime = runtime;
        _output = output;
    }

    public bool IsPrivate => false;

    public Random SubsamplingRandom { get; } = new(0);

    public async Task<double> TotalRowsAsync(int localRows)
    {
        _rows = (await SumAsync("rows", [[localRows]], 1).ConfigureAwait(false))[0];
        return _rows;
    }

    public void Plan(IReadOnlyList<StatisticsRelease> releases)
    {
    }

    public async Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (!(recordBound >= 0)) throw new ArgumentOutOfRangeException(nameof(recordBound), recordBound, "A record bound is a non-negative number (infinity: none).");
        // Known before the pooled row count only as no bound at all.
        double sumBound = double.IsFinite(recordBound) && !double.IsNaN(_rows) ? recordBound * _rows : double.PositiveInfinity;
        // Two message rounds through the leader, not a secure sum and a full-mesh opening (issue 29: 20 parties in one process).
        return await Opening.RevealSumAcrossPartiesAsync(_runtime, StatisticsSum.Of(records, dimension, recordBound), _runtime.Format.FractionalBits, _output, sumBound).ConfigureAwait(false);
    }
}
