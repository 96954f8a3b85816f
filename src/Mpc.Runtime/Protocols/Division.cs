using System.Numerics;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure division a / b as a * (1 / b), with the reciprocal's input range for b (b &gt; 0) and an
/// error of |a| times the reciprocal's error plus one truncation (2^-f).
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
