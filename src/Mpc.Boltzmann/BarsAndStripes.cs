namespace Mpc.Boltzmann;

/// <summary>
/// The bars-and-stripes test data (MacKay 2003), as BoltzmannMachines.jl's barsandstripes(n, p): each row is a
/// side x side square (p = side^2 variables, row-major) whose columns are each all ones with probability 1/2 (bars),
/// transposed with probability 1/2 (stripes). The all-zero and all-one squares are thus twice as likely as the others.
/// </summary>
public static class BarsAndStripes
{
    public static double[][] Generate(int rows, int variables, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int side = (int)Math.Round(Math.Sqrt(variables));
        if (rows < 1 || variables < 1 || side * side != variables)
            throw new ArgumentException($"barsandstripes needs rows >= 1 and a square number of variables; {variables} is not one.", nameof(variables));
        var data = new double[rows][];
        var on = new bool[side];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < side; c++) on[c] = random.NextDouble() < 0.5;
            bool stripes = random.NextDouble() < 0.5;
            data[r] = new double[variables];
            for (int i = 0; i < side; i++)
                for (int j = 0; j < side; j++) data[r][i * side + j] = on[stripes ? i : j] ? 1 : 0;
        }
        return data;
    }

    /// <summary>The exact probability of a square under the generator: 0 unless it is bars or stripes; 2^-side for the
    /// all-zero and all-one squares, 2^-(side + 1) for the others.</summary>
    public static double Probability(ReadOnlySpan<double> square)
    {
        int side = (int)Math.Round(Math.Sqrt(square.Length));
        if (side * side != square.Length) throw new ArgumentException("A square has a square number of values.", nameof(square));
        bool bars = true, stripes = true;
        for (int i = 0; i < side; i++)
            for (int j = 0; j < side; j++)
            {
                if (square[i * side + j] != square[j]) bars = false;
                if (square[i * side + j] != square[i * side]) stripes = false;
            }
        if (bars && stripes) return Math.Pow(2, -side);
        return bars || stripes ? Math.Pow(2, -(side + 1)) : 0;
    }
}
