using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Core;

/// <summary>
/// Fixed-point encoding of reals into Z_2^k: x is stored as round(x * 2^f) in two's complement.
/// </summary>
/// <remarks>
/// Ranges, for a value with f fractional bits in a k-bit ring:
/// the encodable range is |x| &lt; 2^(k-2-f) (two bits of headroom are kept for truncation, whose
/// masked value must stay below 2^(k-1)); a product of two such values before truncation needs
/// |x*y| &lt; 2^(k-2-2f); the resolution is 2^-f.
/// Z_2^64, f = 16: |x| &lt; 2^46 (7e13), products |xy| &lt; 2^30 (1.07e9), resolution 1.5e-5.
/// Z_2^128, f = 40: |x| &lt; 2^86 (7.7e25), products |xy| &lt; 2^46 (7e13), resolution 9.1e-13.
/// </remarks>
public sealed record FixedPointFormat
{
    public FixedPointFormat(int ringBits, int fractionalBits)
    {
        if (ringBits is not (64 or 128)) throw new ArgumentOutOfRangeException(nameof(ringBits), ErrorMessages.UnsupportedRing($"Z_2^{ringBits}"));
        if (fractionalBits <= 0 || fractionalBits > (ringBits - 8) / 3)
            throw new ArgumentOutOfRangeException(nameof(fractionalBits), ErrorMessages.FractionalBitsOutOfRange(ringBits, fractionalBits));
        RingBits = ringBits;
        FractionalBits = fractionalBits;
    }

    /// <summary>Z_2^64 with 16 fractional bits: the CrypTen/MP-SPDZ default.</summary>
    public static FixedPointFormat Ring64 { get; } = new(64, 16);

    /// <summary>Z_2^128 with 40 fractional bits: for statistics that need 1e-10 resolution.</summary>
    public static FixedPointFormat Ring128 { get; } = new(128, 40);

    public int RingBits { get; }

    public int FractionalBits { get; }

    /// <summary>Largest magnitude an encoded value may have: 2^(k-2-f).</summary>
    public double MaxMagnitude => Math.Pow(2, RingBits - 2 - FractionalBits);

    /// <summary>Largest magnitude of a product of two encoded values before truncation: 2^(k-2-2f).</summary>
    public double MaxProductMagnitude => Math.Pow(2, RingBits - 2 - 2 * FractionalBits);

    /// <summary>Smallest positive step, 2^-f.</summary>
    public double Resolution => Math.Pow(2, -FractionalBits);

    /// <summary>The format for ring type T with this format's fractional bits checked against T's width.</summary>
    public void CheckRing<T>() where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (RingArithmetic<T>.Bits != RingBits) throw new ArgumentException(ErrorMessages.UnsupportedRing($"{typeof(T).Name} for a {RingBits}-bit format"));
    }

    /// <summary>Encodes reals at the given scale (fractional bits), rejecting values outside the range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T[] Encode<T>(ReadOnlySpan<double> values, int scale) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckRing<T>();
        if (scale < 0 || scale > RingBits - 3) throw new ArgumentOutOfRangeException(nameof(scale), ErrorMessages.ScaleTooLarge(scale, RingBits));
        double bound = Math.Pow(2, RingBits - 2 - scale);
        double factor = Math.Pow(2, scale);
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) throw new ArgumentException(ErrorMessages.NotFinite(v, i), nameof(values));
            if (Math.Abs(v) >= bound) throw new ArgumentOutOfRangeException(nameof(values), ErrorMessages.ValueOutOfRange(v, i, bound));
            result[i] = EncodeOne<T>(v * factor);
        }
        return result;
    }

    /// <summary>Encodes reals at this format's scale f.</summary>
    public T[] Encode<T>(ReadOnlySpan<double> values) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Encode<T>(values, FractionalBits);

    /// <summary>Encodes one real at the given scale without range check (for public constants chosen by code).</summary>
    public static T EncodeConstant<T>(double value, int scale) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        EncodeOne<T>(value * Math.Pow(2, scale));

    /// <summary>Decodes ring elements stored at the given scale into reals.</summary>
    public static double[] Decode<T>(ReadOnlySpan<T> values, int scale) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        double factor = Math.Pow(2, -scale);
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = RingArithmetic<T>.ToSignedDouble(values[i]) * factor;
        return result;
    }

    private static T EncodeOne<T>(double scaled) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        double rounded = Math.Round(scaled, MidpointRounding.ToEven);
        // Below 2^63 (all of Z_2^64's range) a long holds the value and converts in one instruction.
        if (Math.Abs(rounded) < 9.223372036854775808e18) return unchecked(T.CreateTruncating((long)rounded));
        // Int128 holds every scaled value below 2^126, which covers Z_2^128's range.
        return RingArithmetic<T>.FromInt128((Int128)rounded);
    }
}
