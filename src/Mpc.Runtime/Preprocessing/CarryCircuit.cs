namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// A binary circuit on XOR-shared, bit-sliced operands: the top bits of the sum of two to four operands of a given width
/// (the carries that dealt truncation pairs need, ReplicatedPreprocessing.DealtTruncation.cs). Operands are arrays of bit
/// vectors, index b holding bit b of every element (null where the bit is a public zero). Every AND gate of a round goes
/// through one <see cref="AndRound"/> call, so the caller decides how gates are evaluated (Beaver with replicated triples,
/// or counting them to draw the triples beforehand).
/// </summary>
/// <remarks>
/// Method: carry-save layers reduce the operands to two (a full adder a bit: s = a ^ b ^ c, carry = ((a ^ c) &amp; (b ^ c)) ^ c,
/// one AND), then the carry into the lowest wanted bit is a prefix tree of (generate, propagate) pairs (log2(from) rounds)
/// and each higher carry one more AND round. Operands below 2^width sum to less than 2^(width + 2) with four operands,
/// so no bit at or above width + 2 is ever set and none is computed.
/// </remarks>
internal static class CarryCircuit
{
    /// <summary>One round of AND gates: element-wise x[i] AND y[i] of XOR-shared bit vectors.</summary>
    public delegate Task<ulong[][]> AndRound(ulong[][] x, ulong[][] y);

    /// <summary>The bits from..width + 1 of the sum of <paramref name="operands"/> (each below 2^width, two to four of them).</summary>
    public static async Task<ulong[]?[]> SumBitsAsync(ulong[]?[][] operands, int width, int from, AndRound and)
    {
        if (operands.Length < 2 || operands.Length > 4) throw new ArgumentOutOfRangeException(nameof(operands));
        if (from < 1 || from > width + 1) throw new ArgumentOutOfRangeException(nameof(from));
        int positions = width + 2;
        var level = operands.Select(o => Widen(o, positions)).ToList();
        while (level.Count > 2)
        {
            var (sum, carries) = await CarrySaveAsync(level[0], level[1], level[2], and).ConfigureAwait(false);
            level = [sum, carries, .. level.Skip(3)];
        }
        var (a, b) = (level[0], level[1]);
        var propagate = new ulong[]?[positions];
        for (int i = 0; i < positions; i++) propagate[i] = Xor(a[i], b[i]);
        var generate = await AndAllAsync(a[..(positions - 1)], b[..(positions - 1)], and).ConfigureAwait(false);
        var carry = await CarryIntoAsync(generate, propagate, from, and).ConfigureAwait(false);
        var result = new ulong[]?[positions - from];
        for (int i = from; i < positions; i++)
        {
            result[i - from] = Xor(propagate[i], carry);
            if (i + 1 < positions) carry = Xor(generate[i], (await AndAllAsync([propagate[i]], [carry], and).ConfigureAwait(false))[0]);
        }
        return result;
    }

    // Full adders at every position: a + b + c = sum + 2 carry.
    private static async Task<(ulong[]?[] Sum, ulong[]?[] Carry)> CarrySaveAsync(ulong[]?[] a, ulong[]?[] b, ulong[]?[] c, AndRound and)
    {
        int positions = a.Length;
        var sum = new ulong[]?[positions];
        var left = new ulong[]?[positions - 1];
        var right = new ulong[]?[positions - 1];
        for (int i = 0; i < positions; i++)
        {
            sum[i] = Xor(Xor(a[i], b[i]), c[i]);
            if (i + 1 < positions) (left[i], right[i]) = (Xor(a[i], c[i]), Xor(b[i], c[i]));
        }
        var majority = await AndAllAsync(left, right, and).ConfigureAwait(false);
        var carry = new ulong[]?[positions];
        for (int i = 0; i + 1 < positions; i++) carry[i + 1] = Xor(majority[i], c[i]);
        return (sum, carry);
    }

    // The carry into position `from`: the generate bit of positions 0..from-1 combined as one group, by a prefix tree.
    private static async Task<ulong[]?> CarryIntoAsync(ulong[]?[] generate, ulong[]?[] propagate, int from, AndRound and)
    {
        var groups = Enumerable.Range(0, from).Select(i => (G: generate[i], P: propagate[i])).ToList();
        while (groups.Count > 1)
        {
            int pairs = groups.Count / 2;
            var x = new List<ulong[]?>();
            var y = new List<ulong[]?>();
            for (int p = 0; p < pairs; p++)
            {
                var (low, high) = (groups[2 * p], groups[2 * p + 1]);
                x.Add(high.P); y.Add(low.G);
                // The lowest group's propagate bit is never needed: nothing comes in below position 0.
                if (p > 0) { x.Add(high.P); y.Add(low.P); }
            }
            var products = await AndAllAsync([.. x], [.. y], and).ConfigureAwait(false);
            var next = new List<(ulong[]? G, ulong[]? P)>();
            for (int p = 0, used = 0; p < pairs; p++)
            {
                var high = groups[2 * p + 1];
                var g = Xor(high.G, products[used++]);
                next.Add((g, p > 0 ? products[used++] : null));
            }
            if (groups.Count % 2 == 1) next.Add(groups[^1]);
            groups = next;
        }
        return groups[0].G;
    }

    // One round for all pairs whose factors are both shared; a public zero factor gives a zero without a gate.
    private static async Task<ulong[]?[]> AndAllAsync(ulong[]?[] x, ulong[]?[] y, AndRound and)
    {
        var gates = Enumerable.Range(0, x.Length).Where(i => x[i] is not null && y[i] is not null).ToArray();
        var result = new ulong[]?[x.Length];
        if (gates.Length == 0) return result;
        var products = await and([.. gates.Select(i => x[i]!)], [.. gates.Select(i => y[i]!)]).ConfigureAwait(false);
        for (int g = 0; g < gates.Length; g++) result[gates[g]] = products[g];
        return result;
    }

    private static ulong[]?[] Widen(ulong[]?[] operand, int positions)
    {
        var result = new ulong[]?[positions];
        Array.Copy(operand, result, Math.Min(operand.Length, positions));
        return result;
    }

    private static ulong[]? Xor(ulong[]? a, ulong[]? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        var result = new ulong[a.Length];
        Mpc.Core.BitSlicing.Xor(a, b, result);
        return result;
    }
}
