using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// The Galois ring GR(2^k, d) = Z_2^k[X] / (f): f monic of degree d whose reduction mod 2 is irreducible, so the ring's
/// residue field is GF(2^d), every element outside 2 GR is a unit, and the 2^d elements with 0/1 coefficients (the
/// exceptional set) have pairwise differences that are units: Shamir sharing over it has up to 2^d - 1 evaluation
/// points besides 0 (Abspoel, Cramer, Damgard, Escudero and Yuan, TCC 2019). An element is d ring elements, the
/// coefficient of X^l at index l; Z_2^k is the subring of constants. Vectors of n elements are stored coefficient-major
/// (coefficient l of element e at l * n + e), so each step is a loop over plain ring arrays.
/// </summary>
public sealed partial class GaloisRing<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The smallest and largest extension degrees with a modulus in the table.</summary>
    public const int MinDegree = 2, MaxDegree = 6;

    // The exponents below X^d of f = X^d + sum X^tap; each f mod 2 is irreducible over GF(2) (a test checks it).
    private static readonly int[][] Moduli = [[], [], [1, 0], [1, 0], [1, 0], [2, 0], [1, 0]];

    public GaloisRing(int degree)
    {
        if (degree < MinDegree || degree > MaxDegree) throw new ArgumentOutOfRangeException(nameof(degree), degree, RuntimeErrors.GaloisRingDegree(degree, MinDegree, MaxDegree));
        Degree = degree;
        Taps = Moduli[degree];
    }

    public int Degree { get; }

    /// <summary>The exponents l &lt; d with coefficient 1 in the modulus f (all other coefficients below X^d are 0).</summary>
    public IReadOnlyList<int> Taps { get; }

    /// <summary>The smallest degree d with 2^d &gt;= <paramref name="points"/>: room for that many exceptional points.</summary>
    public static int DegreeFor(int points)
    {
        int d = MinDegree;
        while ((1 << d) < points) d++;
        return d;
    }

    /// <summary>Exceptional element number <paramref name="index"/>: the bits of the index as 0/1 coefficients.</summary>
    public T[] Exceptional(int index)
    {
        if (index < 0 || index >= 1 << Degree) throw new ArgumentOutOfRangeException(nameof(index));
        var element = new T[Degree];
        for (int l = 0; l < Degree; l++) element[l] = ((index >> l) & 1) == 1 ? T.One : T.Zero;
        return element;
    }

    public T[] One() => Exceptional(1);

    public T[] Multiply(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        var result = new T[Degree];
        MultiplyVectors(a, b, result, 1);
        return result;
    }

    public T[] Add(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        var result = new T[Degree];
        RingArithmetic<T>.Add(a, b, result);
        return result;
    }

    public T[] Subtract(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        var result = new T[Degree];
        RingArithmetic<T>.Subtract(a, b, result);
        return result;
    }

    /// <summary>Whether the element is a unit: its reduction mod 2 is not zero (the residue ring is a field).</summary>
    public bool IsUnit(ReadOnlySpan<T> a)
    {
        foreach (var c in a) if ((c & T.One) != T.Zero) return true;
        return false;
    }

    /// <summary>The inverse of a unit: found in GF(2^d) among the exceptional elements, then lifted by Newton steps y(2 - a y), each doubling the bits that are right.</summary>
    public T[] Inverse(ReadOnlySpan<T> a)
    {
        if (!IsUnit(a)) throw new ArgumentException(RuntimeErrors.GaloisRingNotAUnit, nameof(a));
        T[]? y = null;
        for (int candidate = 1; candidate < 1 << Degree && y is null; candidate++)
        {
            var trial = Exceptional(candidate);
            if (IsOneModTwo(Multiply(a, trial))) y = trial;
        }
        if (y is null) throw new InvalidOperationException(RuntimeErrors.GaloisRingNotAUnit);
        var two = new T[Degree];
        two[0] = T.One + T.One;
        for (int bits = 1; bits < RingArithmetic<T>.Bits; bits *= 2) y = Multiply(y, Subtract(two, Multiply(a, y)));
        return y;
    }

    private static bool IsOneModTwo(ReadOnlySpan<T> a)
    {
        for (int l = 0; l < a.Length; l++)
            if ((a[l] & T.One) != (l == 0 ? T.One : T.Zero)) return false;
        return true;
    }

    /// <summary>Multiplication by the constant c as a d x d matrix over Z_2^k (row-major): entry (l, m) is coefficient l of c X^m.</summary>
    public T[] MultiplicationMatrix(ReadOnlySpan<T> c)
    {
        int d = Degree;
        var matrix = new T[d * d];
        var basis = new T[d];
        for (int m = 0; m < d; m++)
        {
            Array.Clear(basis);
            basis[m] = T.One;
            var column = Multiply(c, basis);
            for (int l = 0; l < d; l++) matrix[l * d + m] = column[l];
        }
        return matrix;
    }

    /// <summary>accumulator += c * x for n elements, c given by its <see cref="MultiplicationMatrix"/>.</summary>
    public void MultiplyAdd(ReadOnlySpan<T> matrix, ReadOnlySpan<T> x, Span<T> accumulator, int n)
    {
        int d = Degree;
        for (int l = 0; l < d; l++)
            for (int m = 0; m < d; m++)
                ScaleAdd(x.Slice(m * n, n), matrix[l * d + m], accumulator.Slice(l * n, n));
    }

    /// <summary>accumulator += c * s for n subring elements s (plain ring values): column 0 of c's matrix times s.</summary>
    public void MultiplySubringAdd(ReadOnlySpan<T> matrix, ReadOnlySpan<T> s, Span<T> accumulator, int n)
    {
        for (int l = 0; l < Degree; l++) ScaleAdd(s[..n], matrix[l * Degree], accumulator.Slice(l * n, n));
    }

    /// <summary>
    /// accumulator += coefficient 0 of c * x for accumulator.Length elements of x, whose coefficient m starts at
    /// m * <paramref name="stride"/>: the subring part of c x.
    /// </summary>
    public void ConstantOfProductAdd(ReadOnlySpan<T> matrix, ReadOnlySpan<T> x, int stride, Span<T> accumulator)
    {
        for (int m = 0; m < Degree; m++) ScaleAdd(x.Slice(m * stride, accumulator.Length), matrix[m], accumulator);
    }

    /// <summary>destination = a * b element by element, n elements each (coefficient-major).</summary>
    public void MultiplyVectors(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, int n)
    {
        int d = Degree;
        var wide = new T[(2 * d - 1) * n];
        var part = new T[n];
        for (int l = 0; l < d; l++)
            for (int m = 0; m < d; m++)
            {
                RingArithmetic<T>.Multiply(a.Slice(l * n, n), b.Slice(m * n, n), part);
                RingArithmetic<T>.AddInPlace(wide.AsSpan((l + m) * n, n), part);
            }
        Reduce(wide, n);
        wide.AsSpan(0, d * n).CopyTo(destination);
    }

    /// <summary>destination = A * B for matrices of ring elements (rows x inner times inner x columns, row-major per coefficient).</summary>
    public void MultiplyMatrices(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, int rows, int inner, int columns)
    {
        int d = Degree, na = rows * inner, nb = inner * columns, nc = rows * columns;
        var wide = new T[(2 * d - 1) * nc];
        var part = new T[nc];
        for (int l = 0; l < d; l++)
            for (int m = 0; m < d; m++)
            {
                RingArithmetic<T>.MatrixMultiply(a.Slice(l * na, na), b.Slice(m * nb, nb), part, rows, inner, columns);
                RingArithmetic<T>.AddInPlace(wide.AsSpan((l + m) * nc, nc), part);
            }
        Reduce(wide, nc);
        wide.AsSpan(0, d * nc).CopyTo(destination);
    }

    // Rows d..2d-2 of a product folded down with X^d = -sum X^tap, highest first.
    private void Reduce(Span<T> wide, int n)
    {
        int d = Degree;
        for (int power = 2 * d - 2; power >= d; power--)
        {
            var row = wide.Slice(power * n, n);
            foreach (int tap in Taps) RingArithmetic<T>.SubtractInPlace(wide.Slice((power - d + tap) * n, n), row);
        }
    }

    private static void ScaleAdd(ReadOnlySpan<T> x, T factor, Span<T> accumulator)
    {
        if (factor == T.Zero) return;
        unchecked
        {
            if (factor == T.One)
            {
                for (int i = 0; i < accumulator.Length; i++) accumulator[i] += x[i];
                return;
            }
            for (int i = 0; i < accumulator.Length; i++) accumulator[i] += x[i] * factor;
        }
    }
}
