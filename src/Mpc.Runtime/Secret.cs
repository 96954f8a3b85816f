using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// A secret-shared matrix (a vector is a matrix with one column): this party's additive shares in
/// Z_2^k, row-major, and the public shape and scale (fractional bits; 0 for integers). Local
/// linear operations are operators; everything that communicates is a protocol method.
/// </summary>
public sealed partial class Secret<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    internal Secret(MpcRuntime<T> runtime, T[] share, int rows, int columns, int scale)
    {
        if (share.Length != checked(rows * columns)) throw new ArgumentException(RuntimeErrors.InputShapeInvalid(rows, columns, share.Length));
        Runtime = runtime;
        Share = share;
        Rows = rows;
        Columns = columns;
        Scale = scale;
    }

    public MpcRuntime<T> Runtime { get; }

    /// <summary>This party's shares; meaningless alone, uniformly random to anyone without the others.</summary>
    public T[] Share { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Fractional bits of the encoding: the value is sum(shares) / 2^Scale.</summary>
    public int Scale { get; }

    public int Length => Share.Length;

    /// <summary>Element i of the row-major data, as a 1x1 secret (local).</summary>
    public Secret<T> this[int index] => Slice(index, 1);

    public static Secret<T> operator +(Secret<T> x, Secret<T> y) => Combine(x, y, subtract: false);

    public static Secret<T> operator -(Secret<T> x, Secret<T> y) => Combine(x, y, subtract: true);

    public static Secret<T> operator -(Secret<T> x)
    {
        var result = new T[x.Length];
        RingArithmetic<T>.Negate(x.Share, result);
        return x.With(result);
    }

    /// <summary>Adds a public real to every element (party 0 adds it to its share).</summary>
    public static Secret<T> operator +(Secret<T> x, double constant) => x.AddPublic(Enumerable.Repeat(constant, x.Length).ToArray());

    public static Secret<T> operator -(Secret<T> x, double constant) => x + (-constant);

    /// <summary>1 - x and similar: a public real minus a secret.</summary>
    public static Secret<T> operator -(double constant, Secret<T> x) => (-x) + constant;

    /// <summary>Multiplies by a public integer: local, exact, no change of scale.</summary>
    public static Secret<T> operator *(Secret<T> x, long factor)
    {
        var result = new T[x.Length];
        RingArithmetic<T>.Scale(x.Share, RingArithmetic<T>.FromInt64(factor), result);
        return x.With(result);
    }

    public static Secret<T> operator *(long factor, Secret<T> x) => x * factor;

    /// <summary>Multiplies element-wise by public integers: local, exact, no change of scale.</summary>
    public Secret<T> MultiplyPublic(ReadOnlySpan<long> factors)
    {
        if (factors.Length != Length) throw new ArgumentException(ErrorMessages.LengthMismatch(Length, factors.Length, Length));
        var encoded = new T[Length];
        for (int i = 0; i < encoded.Length; i++) encoded[i] = RingArithmetic<T>.FromInt64(factors[i]);
        var result = new T[Length];
        RingArithmetic<T>.Multiply(Share, encoded, result);
        return With(result);
    }

    /// <summary>Adds public reals element-wise, encoded at this value's scale.</summary>
    public Secret<T> AddPublic(ReadOnlySpan<double> constants)
    {
        if (constants.Length != Length) throw new ArgumentException(ErrorMessages.LengthMismatch(Length, constants.Length, Length));
        var result = (T[])Share.Clone();
        if (Runtime.IsLeader)
        {
            var encoded = Runtime.Format.Encode<T>(constants, Scale);
            RingArithmetic<T>.AddInPlace(result, encoded);
        }
        return With(result);
    }

    /// <summary>Adds public ring elements (already encoded at this value's scale).</summary>
    public Secret<T> AddPublic(ReadOnlySpan<T> constants)
    {
        if (constants.Length != Length) throw new ArgumentException(ErrorMessages.LengthMismatch(Length, constants.Length, Length));
        var result = (T[])Share.Clone();
        if (Runtime.IsLeader) RingArithmetic<T>.AddInPlace(result, constants);
        return With(result);
    }

    /// <summary>The same value re-encoded with more fractional bits (exact, local).</summary>
    public Secret<T> Upscale(int scale)
    {
        if (scale < Scale) throw new ArgumentOutOfRangeException(nameof(scale), "Upscale cannot reduce the scale; use Truncation.");
        if (scale == Scale) return this;
        if (scale > MpcRuntime<T>.RingBits - 3) throw new ArgumentOutOfRangeException(nameof(scale), ErrorMessages.ScaleTooLarge(scale, MpcRuntime<T>.RingBits));
        var result = new T[Length];
        RingArithmetic<T>.Scale(Share, RingArithmetic<T>.PowerOfTwo(scale - Scale), result);
        return new Secret<T>(Runtime, result, Rows, Columns, scale);
    }

    /// <summary>Sum of all elements, as a 1x1 secret (local).</summary>
    public Secret<T> Sum() => new(Runtime, [RingArithmetic<T>.Sum(Share)], 1, 1, Scale);

    /// <summary>Column sums of a matrix, as a 1 x Columns secret (local).</summary>
    public Secret<T> SumRows()
    {
        var result = new T[Columns];
        for (int i = 0; i < Rows; i++) RingArithmetic<T>.AddInPlace(result, Share.AsSpan(i * Columns, Columns));
        return new Secret<T>(Runtime, result, 1, Columns, Scale);
    }

    /// <summary>The transpose (local).</summary>
    public Secret<T> Transpose()
    {
        var result = new T[Length];
        RingArithmetic<T>.Transpose(Share, result, Rows, Columns);
        return new Secret<T>(Runtime, result, Columns, Rows, Scale);
    }

    /// <summary>The same shares viewed with another shape of equal size.</summary>
    public Secret<T> Reshape(int rows, int columns) => new(Runtime, Share, rows, columns, Scale);

    /// <summary>Elements [start, start + count) of the row-major data, as a column vector.</summary>
    public Secret<T> Slice(int start, int count) => new(Runtime, Share.AsSpan(start, count).ToArray(), count, 1, Scale);

    /// <summary>The elements at the given row-major indices, as a column vector (local; indices may repeat).</summary>
    public Secret<T> Gather(ReadOnlySpan<int> indices)
    {
        var result = new T[indices.Length];
        for (int i = 0; i < indices.Length; i++) result[i] = Share[indices[i]];
        return new Secret<T>(Runtime, result, indices.Length, 1, Scale);
    }

    /// <summary>Stacks secrets of equal scale into one column vector (local).</summary>
    public static Secret<T> Concatenate(IReadOnlyList<Secret<T>> parts)
    {
        if (parts.Count == 0) throw new ArgumentException(RuntimeErrors.NothingToConcatenate, nameof(parts));
        var runtime = parts[0].Runtime;
        int scale = parts.Max(p => p.Scale);
        var aligned = parts.Select(p => { runtime.CheckOwns(p); return p.Upscale(scale); }).ToList();
        var result = new T[aligned.Sum(p => p.Length)];
        int offset = 0;
        foreach (var p in aligned)
        {
            p.Share.CopyTo(result, offset);
            offset += p.Length;
        }
        return new Secret<T>(runtime, result, result.Length, 1, scale);
    }

    internal Secret<T> With(T[] share) => new(Runtime, share, Rows, Columns, Scale);

    internal Secret<T> With(T[] share, int scale) => new(Runtime, share, Rows, Columns, scale);

    private static Secret<T> Combine(Secret<T> x, Secret<T> y, bool subtract)
    {
        x.Runtime.CheckOwns(y);
        if (x.Rows != y.Rows || x.Columns != y.Columns)
            throw new ArgumentException(RuntimeErrors.ShapeMismatch(subtract ? "Subtract" : "Add", x.Rows, x.Columns, y.Rows, y.Columns));
        int scale = Math.Max(x.Scale, y.Scale);
        var a = x.Upscale(scale);
        var b = y.Upscale(scale);
        var result = new T[x.Length];
        if (subtract) RingArithmetic<T>.Subtract(a.Share, b.Share, result);
        else RingArithmetic<T>.Add(a.Share, b.Share, result);
        return new Secret<T>(x.Runtime, result, x.Rows, x.Columns, scale);
    }
}
