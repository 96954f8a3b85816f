using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// A secret matrix kept for many products on the left (<see cref="Multiplication.MatrixMultiplyPreparedAsync"/>): with three parties
/// on an engine that multiplies by resharing it holds this party's replicated pair (x'_i, x'_(i+1)), sent once by the owners, so each later product
/// sends only the right factor; on any other engine it holds the additive shares and each product is an ordinary one.
/// </summary>
public sealed class PreparedMatrix<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    internal PreparedMatrix(MpcRuntime<T> runtime, int rows, int columns, int scale, T[] mine, T[]? next)
    {
        Runtime = runtime;
        Rows = rows;
        Columns = columns;
        Scale = scale;
        Mine = mine;
        Next = next;
    }

    internal MpcRuntime<T> Runtime { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Scale { get; }

    // This party's additive share and, with resharing, the next party's.
    internal T[] Mine { get; }

    internal T[]? Next { get; }

    /// <summary>The transpose (local: both halves of the pair are transposed alike).</summary>
    public PreparedMatrix<T> Transpose()
    {
        var mine = new T[Mine.Length];
        RingArithmetic<T>.Transpose(Mine, mine, Rows, Columns);
        T[]? next = null;
        if (Next is not null)
        {
            next = new T[Next.Length];
            RingArithmetic<T>.Transpose(Next, next, Rows, Columns);
        }
        return new PreparedMatrix<T>(Runtime, Columns, Rows, Scale, mine, next);
    }
}
