using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Secondary cell suppression under MPC on a table extended by its margins: (rows + 1) x (columns + 1) entries, the last
/// column holding the row totals, the last row the column totals and the corner the grand total, so that every line
/// (row or column of the extended table) is a sum relation. A line with exactly one suppressed entry would give that
/// entry as the line's margin minus the rest, so its smallest non-zero unsuppressed entry (ties: all of them) is
/// suppressed too, until no line has exactly one. Every suppressed entry is known to hold at least 1 row (a primary one
/// is non-zero, a complement the smallest non-zero), so k suppressed entries of a line summing to S each lie in
/// [1, S - k + 1]: a line whose suppressed entries sum to less than k + c (c the parties' largest minimum cell count)
/// gets complements too (issue 30: two entries summing to 2 are both 1), until each has at least c values above 1. Nothing is opened: the counts, the primary bits and every bit derived
/// from them stay secret; the caller opens the final pattern with the shown counts, to the analyst only.
/// </summary>
/// <remarks>
/// Each pass compares every ordered pair of entries within a line (one batch) and counts, per entry, the smaller ones
/// (a second batch), so a pass costs two comparison rounds and five multiplication rounds whatever the table's size. A
/// pass that changes nothing leaves the pattern as it is, and each pass that changes it suppresses at least one more
/// entry, so as many passes as entries always reach the end; the number of passes is public and the same for every table
/// of that shape, so it tells nothing about the counts.
/// </remarks>
internal static class CellSuppression
{
    // Far above any count (counts are row numbers of a dataset): an entry that may not serve as complement is never a line's smallest.
    private const long Excluded = 1L << 40;

    /// <summary>
    /// The suppressed entries (secret bits, scale 0) of an extended table of secret counts at scale 0, from the primary
    /// suppression's bits and the secret largest minimum cell count (scale 0).
    /// </summary>
    public static async Task<Secret<T>> SuppressAsync<T>(MpcRuntime<T> runtime, Secret<T> counts, Secret<T> primary, Secret<T> minCellCount, int rows, int columns)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(minCellCount);
        var lines = Lines(rows, columns);
        int entries = (rows + 1) * (columns + 1);
        // Slots: (line, entry) in line order; pairs: (slot, other entry of the line), grouped by slot.
        var slots = lines.SelectMany((line, l) => line.Select(e => (Line: l, Entry: e))).ToArray();
        var pairs = slots.SelectMany(s => lines[s.Line].Where(o => o != s.Entry).Select(o => (s.Entry, Other: o))).ToArray();
        // Slot s's pairs start where the earlier slots' end: each slot pairs its entry with the line's others.
        var start = new int[slots.Length + 1];
        for (int s = 0; s < slots.Length; s++) start[s + 1] = start[s] + lines[slots[s].Line].Length - 1;
        var rowSlot = new int[entries];
        var columnSlot = new int[entries];
        for (int s = 0; s < slots.Length; s++)
        {
            if (slots[s].Line <= rows) rowSlot[slots[s].Entry] = s;
            else columnSlot[slots[s].Entry] = s;
        }
        var plain = Flatten(counts);
        var zero = await Comparison.LessThanZeroAsync(runtime, plain - 1.0).ConfigureAwait(false);
        var suppressed = Flatten(primary);
        for (int pass = 0; pass < entries; pass++)
        {
            var products = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate([suppressed, suppressed]), Secret<T>.Concatenate([zero, plain])).ConfigureAwait(false);
            var excluded = suppressed + zero - products.Slice(0, entries);
            var value = plain + (excluded * Excluded);
            var inLine = Secret<T>.Concatenate(lines.Select(line => suppressed.Gather(line).Sum()).ToList());
            var hidden = Secret<T>.Concatenate(lines.Select(line => products.Slice(entries, entries).Gather(line).Sum()).ToList());
            var smaller = await Comparison.LessThanZeroAsync(runtime, Secret<T>.Concatenate(
                [value.Gather(pairs.Select(p => p.Other).ToArray()) - value.Gather(pairs.Select(p => p.Entry).ToArray()), inLine - 2.0, inLine - 1.0,
                 hidden - inLine - minCellCount.Gather(new int[lines.Length])])).ConfigureAwait(false);
            // Exactly one suppressed entry (fewer than two, not fewer than one), or two or more summing to less than their number plus c.
            var fewerThanTwo = smaller.Slice(pairs.Length, lines.Length);
            var single = fewerThanTwo - smaller.Slice(pairs.Length + lines.Length, lines.Length);
            var narrow = await Multiplication.MultiplyAsync(runtime, 1.0 - fewerThanTwo, smaller.Slice(pairs.Length + 2 * lines.Length, lines.Length)).ConfigureAwait(false);
            var wanted = await Multiplication.MultiplyAsync(runtime, (single + narrow).Gather(slots.Select(s => s.Line).ToArray()),
                1.0 - excluded.Gather(slots.Select(s => s.Entry).ToArray())).ConfigureAwait(false);
            // Per slot, how many of the line's other entries are smaller.
            var below = Secret<T>.Concatenate(Enumerable.Range(0, slots.Length).Select(s => smaller.Slice(start[s], start[s + 1] - start[s]).Sum()).ToList());
            var smallest = await Comparison.LessThanZeroAsync(runtime, below - 1.0).ConfigureAwait(false);
            var added = await Multiplication.MultiplyAsync(runtime, smallest, wanted).ConfigureAwait(false);
            var byRow = added.Gather(rowSlot);
            var byColumn = added.Gather(columnSlot);
            suppressed = suppressed + byRow + byColumn - await Multiplication.MultiplyAsync(runtime, byRow, byColumn).ConfigureAwait(false);
        }
        return suppressed;
    }

    /// <summary>The lines of a table extended by margins, as indices into its row-major entries: its rows + 1 rows, then its columns + 1 columns.</summary>
    public static int[][] Lines(int rows, int columns)
    {
        int width = columns + 1;
        return
        [
            .. Enumerable.Range(0, rows + 1).Select(r => Enumerable.Range(0, width).Select(c => r * width + c).ToArray()),
            .. Enumerable.Range(0, width).Select(c => Enumerable.Range(0, rows + 1).Select(r => r * width + c).ToArray()),
        ];
    }

    /// <summary>The same suppression in the clear, for tests: the pattern from the pooled extended counts, the primary pattern and the largest minimum cell count.</summary>
    public static bool[] InTheClear(double[] counts, bool[] primary, int rows, int columns, int minCellCount)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(primary);
        var suppressed = (bool[])primary.Clone();
        var lines = Lines(rows, columns);
        bool changed = true;
        while (changed)
        {
            changed = false;
            var next = (bool[])suppressed.Clone();
            bool Open(int[] line)
            {
                int k = line.Count(e => suppressed[e]);
                return k == 1 || (k >= 2 && line.Where(e => suppressed[e]).Sum(e => counts[e]) < k + minCellCount);
            }
            foreach (var line in lines.Where(Open))
            {
                var candidates = line.Where(e => !suppressed[e] && counts[e] > 0).ToArray();
                if (candidates.Length == 0) continue;
                double smallest = candidates.Min(e => counts[e]);
                foreach (var e in candidates.Where(e => counts[e] == smallest)) next[e] = true;
            }
            changed = !next.SequenceEqual(suppressed);
            suppressed = next;
        }
        return suppressed;
    }

    private static Secret<T> Flatten<T>(Secret<T> value) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => value.Reshape(value.Length, 1);
}
