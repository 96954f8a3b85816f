using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>The analyst's side of an output: sums every party's shares and decodes them.</summary>
public static class OutputReconstruction
{
    public static double[] Reconstruct(IReadOnlyList<OutputShares> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException(RuntimeErrors.NoSharesToReconstruct, nameof(parts));
        var first = parts[0];
        foreach (var part in parts)
        {
            if (part.Name != first.Name || part.Rows != first.Rows || part.Columns != first.Columns || part.Scale != first.Scale || part.RingBits != first.RingBits)
                throw new ProtocolAbortedException(RuntimeErrors.OutputShapesDisagree(first.Name));
        }
        int count = checked(first.Rows * first.Columns);
        return first.RingBits switch
        {
            64 => Sum<ulong>(parts, count, first.Scale),
            128 => Sum<UInt128>(parts, count, first.Scale),
            _ => throw new ProtocolAbortedException(ErrorMessages.UnsupportedRing($"Z_2^{first.RingBits}")),
        };
    }

    private static double[] Sum<T>(IReadOnlyList<OutputShares> parts, int count, int scale)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IUnsignedNumber<T>
    {
        var total = new T[count];
        foreach (var part in parts) RingCodec.AddInto<T>(part.Shares, total);
        return FixedPointFormat.Decode<T>(total, scale);
    }
}
