using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Shamir sharing over GR(2^k, d) among N parties: party i's point is exceptional element i + 1 (the secret sits at 0),
/// d the smallest with 2^d &gt;= N + 1, so every difference of points is a unit and Lagrange interpolation works as over
/// a field. Threshold t = floor((N - 1) / 2): a degree-t sharing hides its secret from any t parties, and the product of
/// two degree-t sharings is a degree-2t sharing that N &gt;= 2t + 1 parties can still open. Interpolation coefficients
/// are computed once (inverses by Newton lifting) and kept as multiplication matrices.
/// </summary>
public sealed class ShamirSharing<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    public const int MinParties = 3;

    public ShamirSharing(int parties)
    {
        int maximum = (1 << GaloisRing<T>.MaxDegree) - 1;
        if (parties < MinParties || parties > maximum) throw new ArgumentOutOfRangeException(nameof(parties), parties, RuntimeErrors.ShamirPartyCount(parties, MinParties, maximum));
        Parties = parties;
        Threshold = (parties - 1) / 2;
        Ring = new GaloisRing<T>(GaloisRing<T>.DegreeFor(parties + 1));
    }

    public int Parties { get; }

    public int Threshold { get; }

    public GaloisRing<T> Ring { get; }

    /// <summary>Party <paramref name="party"/>'s evaluation point; -1 is the secret's point, 0.</summary>
    public T[] Point(int party) => Ring.Exceptional(party + 1);

    /// <summary>
    /// The coefficients that give p(at) from p at <paramref name="from"/> (parties; -1 for the point 0) for any p of degree
    /// below from.Count: p(at) = sum over m of coefficient m times p(from[m]).
    /// </summary>
    public T[][] Lagrange(IReadOnlyList<int> from, int at)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.Distinct().Count() != from.Count) throw new ArgumentException(RuntimeErrors.ShamirPointsRepeat, nameof(from));
        var target = Point(at);
        var result = new T[from.Count][];
        for (int m = 0; m < from.Count; m++)
        {
            var numerator = Ring.One();
            var denominator = Ring.One();
            var xm = Point(from[m]);
            for (int j = 0; j < from.Count; j++)
            {
                if (j == m) continue;
                var xj = Point(from[j]);
                numerator = Ring.Multiply(numerator, Ring.Subtract(target, xj));
                denominator = Ring.Multiply(denominator, Ring.Subtract(xm, xj));
            }
            result[m] = Ring.Multiply(numerator, Ring.Inverse(denominator));
        }
        return result;
    }

    /// <summary>Shares of p(X) = secret + sum coefficients[j] X^(j+1) at every party's point: a degree-(coefficients.Count) sharing.</summary>
    public T[][] Share(ReadOnlySpan<T> secret, IReadOnlyList<T[]> coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        var shares = new T[Parties][];
        for (int i = 0; i < Parties; i++)
        {
            // Horner from the top coefficient.
            var x = Point(i);
            var value = coefficients.Count == 0 ? secret.ToArray() : coefficients[^1];
            for (int j = coefficients.Count - 2; j >= -1; j--) value = Ring.Add(Ring.Multiply(value, x), j >= 0 ? coefficients[j] : secret);
            shares[i] = value;
        }
        return shares;
    }

    /// <summary>The secret p(0) from the shares of the parties in <paramref name="from"/> (at least degree + 1 of them).</summary>
    public T[] Reconstruct(IReadOnlyList<int> from, IReadOnlyList<T[]> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var lagrange = Lagrange(from, -1);
        var secret = new T[Ring.Degree];
        for (int m = 0; m < from.Count; m++) RingArithmetic<T>.AddInPlace(secret, Ring.Multiply(lagrange[m], shares[m]));
        return secret;
    }
}
