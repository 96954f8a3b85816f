using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Core;

/// <summary>
/// Element-wise arithmetic over the ring Z_2^k, where k is the bit width of <typeparamref name="T"/>
/// (ulong for Z_2^64, UInt128 for Z_2^128). Every operation wraps modulo 2^k by design.
/// </summary>
public static class RingArithmetic<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The ring's bit width k.</summary>
    public static int Bits { get; } = Unsafe.SizeOf<T>() * 8;

    // Vector<UInt128> does not exist; only ulong gets the SIMD path.
    private static readonly bool UseVectors = Vector.IsHardwareAccelerated && Vector<T>.IsSupported;

    /// <summary>Two's complement embedding of a signed integer into the ring.</summary>
    public static T FromInt64(long value) => unchecked(T.CreateTruncating(value));

    /// <summary>Two's complement embedding of a signed 128-bit integer into the ring.</summary>
    public static T FromInt128(Int128 value) => unchecked(T.CreateTruncating(value));

    /// <summary>2^e in the ring (zero when e >= k).</summary>
    public static T PowerOfTwo(int e) => e >= Bits ? T.Zero : T.One << e;

    /// <summary>Whether the element is negative in the two's complement reading (its top bit is set).</summary>
    public static bool IsNegative(T value) => (value >> (Bits - 1)) != T.Zero;

    /// <summary>The element read as a signed integer, converted to double.</summary>
    public static double ToSignedDouble(T value) => unchecked(IsNegative(value)
        ? -double.CreateTruncating(T.Zero - value)
        : double.CreateTruncating(value));

    /// <summary>The element read as a signed integer (two's complement), as Int128.</summary>
    public static Int128 ToSignedInt128(T value) => unchecked(Bits == 128
        ? (Int128)UInt128.CreateTruncating(value)
        : IsNegative(value) ? -(Int128)UInt128.CreateTruncating(T.Zero - value) : (Int128)UInt128.CreateTruncating(value));

    public static void Add(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination)
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        unchecked
        {
            int i = 0;
            if (UseVectors)
            {
                var va = MemoryMarshal.Cast<T, Vector<T>>(a);
                var vb = MemoryMarshal.Cast<T, Vector<T>>(b);
                var vd = MemoryMarshal.Cast<T, Vector<T>>(destination);
                for (int v = 0; v < va.Length; v++) vd[v] = va[v] + vb[v];
                i = va.Length * Vector<T>.Count;
            }
            for (; i < a.Length; i++) destination[i] = a[i] + b[i];
        }
    }

    public static void Subtract(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination)
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        unchecked
        {
            int i = 0;
            if (UseVectors)
            {
                var va = MemoryMarshal.Cast<T, Vector<T>>(a);
                var vb = MemoryMarshal.Cast<T, Vector<T>>(b);
                var vd = MemoryMarshal.Cast<T, Vector<T>>(destination);
                for (int v = 0; v < va.Length; v++) vd[v] = va[v] - vb[v];
                i = va.Length * Vector<T>.Count;
            }
            for (; i < a.Length; i++) destination[i] = a[i] - b[i];
        }
    }

    public static void Multiply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination)
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        unchecked
        {
            for (int i = 0; i < a.Length; i++) destination[i] = a[i] * b[i];
        }
    }

    public static void Scale(ReadOnlySpan<T> a, T factor, Span<T> destination)
    {
        CheckLengths(a.Length, a.Length, destination.Length);
        unchecked
        {
            for (int i = 0; i < a.Length; i++) destination[i] = a[i] * factor;
        }
    }

    public static void Negate(ReadOnlySpan<T> a, Span<T> destination)
    {
        CheckLengths(a.Length, a.Length, destination.Length);
        unchecked
        {
            for (int i = 0; i < a.Length; i++) destination[i] = T.Zero - a[i];
        }
    }

    public static void AddInPlace(Span<T> accumulator, ReadOnlySpan<T> b) => Add(accumulator, b, accumulator);

    public static void SubtractInPlace(Span<T> accumulator, ReadOnlySpan<T> b) => Subtract(accumulator, b, accumulator);

    /// <summary>Logical right shift of every element (the unsigned reading).</summary>
    public static void ShiftRightLogical(ReadOnlySpan<T> a, int shift, Span<T> destination)
    {
        CheckLengths(a.Length, a.Length, destination.Length);
        for (int i = 0; i < a.Length; i++) destination[i] = a[i] >>> shift;
    }

    /// <summary>Sum of all elements, modulo 2^k.</summary>
    public static T Sum(ReadOnlySpan<T> a)
    {
        T total = T.Zero;
        unchecked
        {
            for (int i = 0; i < a.Length; i++) total += a[i];
        }
        return total;
    }

    /// <summary>
    /// Row-major matrix product: destination (n x p) = a (n x m) * b (m x p), modulo 2^k.
    /// </summary>
    public static void MatrixMultiply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, int n, int m, int p)
    {
        if (a.Length != checked(n * m) || b.Length != checked(m * p) || destination.Length != checked(n * p))
            throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(n, m, m, p));
        destination.Clear();
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                var row = destination.Slice(i * p, p);
                for (int j = 0; j < m; j++)
                {
                    T aij = a[i * m + j];
                    if (aij == T.Zero) continue;
                    var brow = b.Slice(j * p, p);
                    for (int c = 0; c < p; c++) row[c] += aij * brow[c];
                }
            }
        }
    }

    /// <summary>Row-major transpose of an n x m matrix into m x n.</summary>
    public static void Transpose(ReadOnlySpan<T> a, Span<T> destination, int n, int m)
    {
        if (a.Length != checked(n * m) || destination.Length != a.Length)
            throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(n, m, n, m));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                destination[j * n + i] = a[i * m + j];
    }

    private static void CheckLengths(int a, int b, int destination)
    {
        if (a != b || a != destination) throw new ArgumentException(ErrorMessages.LengthMismatch(a, b, destination));
    }
}
