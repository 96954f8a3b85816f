using System.Numerics;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure division a / b as a * (1 / b), with the reciprocal's input range for b (b &gt; 0).
/// Error: |a| 2^-f (the reciprocal's absolute error, scaled by a) + |a/b| 2^-(f-3) + 2^-f; so a
/// numerator of magnitude A needs about log2(A) more fractional bits than the result's precision
/// (use Z_2^128 with f = 40 for statistics).
/// </summary>
public static class Division
{
    public static async Task<Secret<T>> DivideAsync<T>(MpcRuntime<T> runtime, Secret<T> numerator, Secret<T> denominator)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var reciprocal = await Reciprocal.ComputeAsync(runtime, denominator).ConfigureAwait(false);
        return await Multiplication.MultiplyAsync(runtime, numerator.Upscale(Math.Max(numerator.Scale, 0)), reciprocal).ConfigureAwait(false);
    }
}
