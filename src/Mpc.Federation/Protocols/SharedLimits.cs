using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>Limits that must hold for every party, taken under MPC so that none is opened.</summary>
internal static class SharedLimits
{
    /// <summary>
    /// The largest of the parties' values of a limit (each party's own <paramref name="own"/>), secret, at scale 0:
    /// no party learns a peer's limit, and a party that changes its own moves only a secret.
    /// </summary>
    public static async Task<Secret<T>> LargestAsync<T>(MpcRuntime<T> runtime, double own)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Secret<T>? largest = null;
        for (int owner = 0; owner < runtime.PartyCount; owner++)
        {
            var limit = await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? [own] : null, 1, 0).ConfigureAwait(false);
            largest = largest is null ? limit : await Comparison.MaximumAsync(runtime, largest, limit).ConfigureAwait(false);
        }
        return largest!;
    }

    /// <summary>
    /// Whether every party holds the same <paramref name="digest"/> (a hash of arguments that must agree), opened to every party
    /// as one bit, <paramref name="outputName"/>: each party shares the digest's first 156 bits as three 52-bit integers (exact in
    /// a double), folded locally into one ring element (its first 128 bits in Z_2^128); the differences from party 0's are tested
    /// for 0 under MPC and only whether all are 0 opens. One equality test a party, not one a word as <see cref="AgreeAsync"/>.
    /// </summary>
    public static async Task<bool> AgreeOnDigestAsync<T>(MpcRuntime<T> runtime, byte[] digest, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(digest);
        if (digest.Length < 20) throw new ArgumentException($"A digest of {digest.Length} bytes is shorter than the 20 folded.", nameof(digest));
        const int wordBits = 52;
        var bits = new System.Collections.BitArray(digest);
        double[] words = [.. Enumerable.Range(0, 3).Select(w => (double)Enumerable.Range(0, wordBits).Sum(b => bits[w * wordBits + b] ? 1L << b : 0))];
        var folded = new List<Secret<T>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
        {
            // The shape is public, so sharing takes no round; the fold is local and wraps in the ring.
            var shared = Input.Share(runtime, owner, runtime.PartyIndex == owner ? words : null, 3, 1, 0);
            folded.Add((shared.Slice(2, 1) * (1L << wordBits) + shared.Slice(1, 1)) * (1L << wordBits) + shared.Slice(0, 1));
        }
        if (folded.Count == 1) return true;
        var equal = await Comparison.EqualsZeroAsync(runtime, Secret<T>.Concatenate([.. folded.Skip(1).Select(s => s - folded[0])])).ConfigureAwait(false);
        var agree = await Comparison.EqualsZeroAsync(runtime, (1.0 - equal).Sum()).ConfigureAwait(false);
        return (await Opening.RevealRealAsync(runtime, agree, outputName).ConfigureAwait(false))[0] > 0.5;
    }

    /// <summary>
    /// Whether every party holds the same value at each position of <paramref name="own"/> (configuration, such as a column's
    /// range), one bit per column when <paramref name="own"/> holds rows of <paramref name="columns"/> values, opened to every party
    /// as <paramref name="outputName"/>: each party shares its values, the differences from party 0's are tested for 0 under MPC,
    /// and only whether all are 0 opens; neither a party's values nor which party differs.
    /// </summary>
    public static async Task<bool[]> AgreeAsync<T>(MpcRuntime<T> runtime, double[] own, int columns, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(own);
        if (columns < 1 || own.Length % columns != 0) throw new ArgumentException($"{own.Length} values do not fill rows of {columns}.", nameof(own));
        int n = own.Length, scale = runtime.Format.FractionalBits;
        var shared = new List<Secret<T>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            shared.Add(await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? own : null, n, scale).ConfigureAwait(false));
        if (shared.Count == 1) return [.. Enumerable.Repeat(true, columns)];
        // Values closer than one unit 2^-scale encode alike and count as equal.
        var equal = await Comparison.EqualsZeroAsync(runtime, Secret<T>.Concatenate([.. shared.Skip(1).Select(s => s - shared[0])])).ConfigureAwait(false);
        Secret<T>? differing = null;
        for (int start = 0; start < equal.Length; start += columns)
            differing = differing is null ? 1.0 - equal.Slice(start, columns) : differing + (1.0 - equal.Slice(start, columns));
        var agree = await Comparison.EqualsZeroAsync(runtime, differing!).ConfigureAwait(false);
        return [.. (await Opening.RevealRealAsync(runtime, agree, outputName).ConfigureAwait(false)).Select(b => b > 0.5)];
    }
}
