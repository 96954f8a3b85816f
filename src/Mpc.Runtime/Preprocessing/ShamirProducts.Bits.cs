using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// daBits: parties 0..t each deal their own random bits as degree-t sharings, and the t + 1 sharings are XORed
/// (u + v - 2uv) by a tree of Damgard-Nielsen multiplications: uv + r opened at the kings with a degree-2t [r], then
/// [uv] = (uv + r) - [r] with the degree-t sharing of the same r. A multiplication costs one double sharing (degree t and
/// 2t), not a Beaver triple's three sharings and its opening.
/// </summary>
internal sealed partial class ShamirProducts<TR>
{
    /// <summary>
    /// Additive Z_2^k shares and XOR shares of <paramref name="count"/> random bits, each the XOR of one bit of each of
    /// parties 0..t, so no t parties know it. Draws now, in call order; communicates after.
    /// </summary>
    public Task<(TR[] Arithmetic, ulong[] Binary)> DaBitsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int t = _sharing.Threshold, words = BitSlicing.WordsFor(count), levels = SlicedBeaver.LevelSizes(t + 1, count).Count();
        int products = SlicedBeaver.LevelSizes(t + 1, count).Sum();
        Draw draw;
        TR[] arithmetic;
        ulong[] binary;
        long firstLevel;
        lock (_draw)
        {
            var own = _self <= t ? _secrets.NextRing<ulong>(words) : new ulong[words];
            if (words > 0) own[^1] &= BitSlicing.LastWordMask(count);
            var ownBits = SlicedBeaver.ToRing<TR>(own, count);
            Section[] sections =
            [
                .. Enumerable.Range(0, t + 1).Select(c => new Section(count, _low, c, c == _self ? ownBits : null)),
                new Section(products, _low),
                new Section(products, _high, SameSecretAs: t + 1),
            ];
            draw = Dealt(sections);
            arithmetic = ZeroShare(count);
            binary = XorZeroShare(words);
            BitSlicing.Xor(binary, own, binary);
            if (words > 0) binary[^1] &= BitSlicing.LastWordMask(count);
            firstLevel = _batches;
            _batches += levels;
        }
        return FinishDaBitsAsync(draw, count, arithmetic, binary, firstLevel, cancellationToken);
    }

    private async Task<(TR[] Arithmetic, ulong[] Binary)> FinishDaBitsAsync(Draw draw, int count, TR[] arithmetic, ulong[] binary, long firstLevel, CancellationToken cancellationToken)
    {
        int d = _ring.Degree, t = _sharing.Threshold;
        var sends = await ExchangeAsync(draw, cancellationToken).ConfigureAwait(false);
        TR[] low = draw.Mine[t + 1], high = draw.Mine[t + 2];
        int total = draw.Sections[t + 1].Count, offset = 0;
        var level = draw.Mine[..(t + 1)];
        for (long batch = firstLevel; level.Length > 1; batch++)
        {
            int pairs = level.Length / 2, n = pairs * count;
            var u = Concatenate([.. Enumerable.Range(0, pairs).Select(p => level[2 * p])], count);
            var v = Concatenate([.. Enumerable.Range(0, pairs).Select(p => level[2 * p + 1])], count);
            var masked = new TR[d * n];
            _ring.MultiplyVectors(u, v, masked, n);
            for (int l = 0; l < d; l++) RingArithmetic<TR>.AddInPlace(masked.AsSpan(l * n, n), high.AsSpan(l * total + offset, n));
            var opened = await OpenAtKingsAsync(masked, n, batch, cancellationToken).ConfigureAwait(false);
            // u XOR v = u + v - 2 uv with [uv] = (uv + r) - [r]_t: the opened value is a constant, so only coefficient 0 takes it.
            unchecked
            {
                for (int l = 0; l < d; l++)
                {
                    var r = low.AsSpan(l * total + offset, n);
                    for (int e = 0; e < n; e++)
                        u[l * n + e] = u[l * n + e] + v[l * n + e] + (r[e] << 1) - (l == 0 ? opened[e] << 1 : TR.Zero);
                }
            }
            offset += n;
            level = [.. Split(u, pairs, count), .. level.Length % 2 == 1 ? [level[^1]] : Array.Empty<TR[]>()];
        }
        _ring.ConstantOfProductAdd(_toAdditive, level[0], count, arithmetic);
        await sends.ConfigureAwait(false);
        return (arithmetic, binary);
    }

    // GR vectors of count elements each (coefficient-major) side by side as one vector of parts.Length x count elements.
    private TR[] Concatenate(TR[][] parts, int count)
    {
        int d = _ring.Degree, n = parts.Length * count;
        var result = new TR[d * n];
        for (int i = 0; i < parts.Length; i++)
            for (int l = 0; l < d; l++) parts[i].AsSpan(l * count, count).CopyTo(result.AsSpan(l * n + i * count));
        return result;
    }

    private TR[][] Split(TR[] vector, int parts, int count)
    {
        int d = _ring.Degree, n = parts * count;
        var result = new TR[parts][];
        for (int i = 0; i < parts; i++)
        {
            result[i] = new TR[d * count];
            for (int l = 0; l < d; l++) vector.AsSpan(l * n + i * count, count).CopyTo(result[i].AsSpan(l * count));
        }
        return result;
    }
}
