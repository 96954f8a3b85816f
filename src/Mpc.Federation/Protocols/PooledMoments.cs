using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>Means and sample variances from pooled secret sums, as the summary and the t-test reveal them.</summary>
internal static class PooledMoments
{
    /// <summary>Mean sum/n and sample variance (squares - sum * mean) / (n - 1), element-wise.</summary>
    public static async Task<(Secret<UInt128> N, Secret<UInt128> Mean, Secret<UInt128> Variance)> ComputeAsync(MpcRuntime<UInt128> runtime, Secret<UInt128> n, Secret<UInt128> sum, Secret<UInt128> squares)
    {
        var mean = await Division.DivideAsync(runtime, sum, n).ConfigureAwait(false);
        var centred = squares - await Multiplication.MultiplyAsync(runtime, sum, mean).ConfigureAwait(false);
        var variance = await Division.DivideAsync(runtime, centred, n - 1.0).ConfigureAwait(false);
        return (n, mean, variance);
    }

    /// <summary>Sample variance of values, as R's var.</summary>
    public static double Variance(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }
}
