using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <summary>Random sharings: who deals which values, the dealers' interpolation, and the exchange of the shares they send.</summary>
internal sealed partial class ShamirProducts<TR>
{
    /// <summary>Count values shared with degree Plan.Degree, each summed over the t + 1 dealers of its slice with fresh secrets.</summary>
    private sealed record Section(int Count, DealingPlan Plan);

    private sealed record Draw(Section[] Sections, TR[][] Mine, List<TR[]>[] Outgoing, long Batch);

    // Slice p of a section's values (the kings' slices) is dealt by parties p .. p + t (mod N): t + 1 dealers, one of them
    // honest, make the summed secret uniform, and every party deals t + 1 slices of N.
    private int SliceStart(int n, int p) => (int)((long)n * p / _parties);

    private bool Deals(int dealer, int slice) => (dealer - slice + _parties) % _parties <= _sharing.Threshold;

    // The slices of a section that a dealer deals, in increasing order: the order of its PRG draws and of its message.
    private IEnumerable<(int Start, int Length)> SlicesDealtBy(Section section, int dealer)
    {
        for (int p = 0; p < _parties; p++)
        {
            int start = SliceStart(section.Count, p), length = SliceStart(section.Count, p + 1) - start;
            if (length > 0 && Deals(dealer, p)) yield return (start, length);
        }
    }

    // Every PRG draw of the sections' dealings, in section order (the caller holds the draw lock).
    private Draw Dealt(Section[] sections)
    {
        int d = _ring.Degree;
        var mine = new TR[sections.Length][];
        var outgoing = new List<TR[]>[_parties];
        for (int p = 0; p < _parties; p++) outgoing[p] = [];
        for (int s = 0; s < sections.Length; s++)
        {
            var section = sections[s];
            var plan = section.Plan;
            int n = section.Count;
            mine[s] = new TR[d * n];
            foreach (var (start, length) in SlicesDealtBy(section, _self))
            {
                var secret = _secrets.NextRing<TR>(length);
                var drawn = plan.PrgReceivers.Select(m => _dealTo[m]!.NextRing<TR>(d * length)).ToArray();
                var shares = plan.Interpolated.Select(_ => new TR[d * length]).ToArray();
                _ring.Combine(secret, drawn, plan.Matrices, shares, length);
                for (int j = 0; j < shares.Length; j++)
                {
                    if (plan.Interpolated[j] == _self) AddSlice(mine[s], shares[j], start, length, n);
                    else outgoing[plan.Interpolated[j]].Add(shares[j]);
                }
            }
            foreach (int dealer in plan.DealersDrawingForMe)
                foreach (var (start, length) in SlicesDealtBy(section, dealer))
                    AddSlice(mine[s], _dealFrom[dealer]!.NextRing<TR>(d * length), start, length, n);
        }
        return new Draw(sections, mine, outgoing, _batches++);
    }

    // Adds a slice's d x length shares (coefficient-major) into a section's d x n shares at element start.
    private void AddSlice(TR[] section, TR[] slice, int start, int length, int n)
    {
        for (int l = 0; l < _ring.Degree; l++) RingArithmetic<TR>.AddInPlace(section.AsSpan(l * n + start, length), slice.AsSpan(l * length, length));
    }

    /// <summary>Sends this party's dealings and adds the received shares into draw.Mine; returns the sends to await.</summary>
    private async Task<Task> ExchangeAsync(Draw draw, CancellationToken cancellationToken)
    {
        int d = _ring.Degree, size = Unsafe.SizeOf<TR>();
        long dealTag = PreprocessingTags.Of(_kind, Bits, draw.Batch, DealStep);
        // Wire format (dealer to receiver): for each section in order, and in it for the slices the dealer deals in
        // increasing order, the receiver's shares of that slice, left out where the receiver draws its share from the
        // PRG; a slice of length L is L GR elements, coefficient-major, each coefficient a little-endian ring element (RingCodec).
        var sends = new List<Task>();
        for (int peer = 0; peer < _parties; peer++)
        {
            var parts = draw.Outgoing[peer];
            if (peer == _self || parts.Count == 0) continue;
            var payload = new byte[checked(parts.Sum(part => part.Length) * size)];
            int at = 0;
            foreach (var part in parts)
            {
                MemoryMarshal.AsBytes(part.AsSpan()).CopyTo(payload.AsSpan(at));
                at += part.Length * size;
            }
            sends.Add(_channel.SendAsync(peer, dealTag, payload, cancellationToken).AsTask());
        }
        for (int dealer = 0; dealer < _parties; dealer++)
        {
            if (dealer == _self) continue;
            var expected = new List<(int Section, int Start, int Length)>();
            for (int s = 0; s < draw.Sections.Length; s++)
                if (!draw.Sections[s].Plan.DrawsFor(dealer, _self))
                    foreach (var (start, length) in SlicesDealtBy(draw.Sections[s], dealer)) expected.Add((s, start, length));
            if (expected.Count == 0) continue;
            // The expected length is fixed by the sections alone, so a peer cannot make this party read more.
            var received = await ReceiveAsync(dealer, dealTag, expected.Sum(part => d * part.Length), cancellationToken).ConfigureAwait(false);
            int offset = 0;
            foreach (var (s, start, length) in expected)
                for (int l = 0; l < d; l++, offset += length * size)
                    RingCodec.AddInto<TR>(received.AsSpan(offset, length * size), draw.Mine[s].AsSpan(l * draw.Sections[s].Count + start, length));
            _channel.Release(received);
        }
        return Task.WhenAll(sends);
    }
}
