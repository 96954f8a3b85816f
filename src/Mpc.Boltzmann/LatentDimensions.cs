using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Boltzmann;

/// <summary>
/// BoltzmannMachines.jl's top2latentdims: a two-dimensional picture of rows through a model's top hidden layer. Each row's
/// mean activation of the top layer (DBM: mean-field; RBM: p(h | v); DBN: probabilities passed up) is logit-transformed,
/// the columns standardised, and the first two principal components taken (two top units: the logits themselves; one: a
/// zero second dimension). The model alone decides it, so for public rows (synthetic ones) the result is public.
/// </summary>
public static class LatentDimensions
{
    // Mean activations are clipped this far from 0 and 1 before the logit, which is infinite there.
    private const double Margin = 1e-9;

    /// <summary>One (x, y) pair per row, in the order of <paramref name="rows"/> (rows in the model's visible units).</summary>
    public static double[][] Top2(TrainedModel model, IReadOnlyList<double[]> rows, int meanFieldIterations = 10)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        int visible = model.Layers[0].Visible;
        if (rows.Count < 2 || rows.Any(r => r.Length != visible)) throw new ArgumentException($"Give at least two rows of {visible} values (the model's visible units).", nameof(rows));
        if (meanFieldIterations < 1) throw new ArgumentOutOfRangeException(nameof(meanFieldIterations), "Mean-field needs at least one iteration.");
        var logits = rows.Select(v => TopActivation(model, v, meanFieldIterations).Select(Logit).ToArray()).ToArray();
        int units = logits[0].Length;
        if (units == 1) return [.. logits.Select(h => new[] { h[0], 0.0 })];
        if (units == 2) return logits;
        return FirstTwoComponents(Standardise(logits));
    }

    /// <summary>The mean activation of the top hidden layer for one row.</summary>
    public static double[] TopActivation(TrainedModel model, double[] v, int meanFieldIterations = 10)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(v);
        if (model.Dbm is not null) return model.Dbm.MeanField(v, meanFieldIterations)[^1];
        var state = v;
        foreach (var layer in model.Layers)
        {
            var p = new double[layer.Hidden];
            layer.HiddenProbabilities(state, p);
            state = p;
        }
        return state;
    }

    private static double Logit(double p)
    {
        double q = Math.Clamp(p, Margin, 1 - Margin);
        return Math.Log(q / (1 - q));
    }

    // (x - column mean) / column SD (n - 1); a constant column stays at 0.
    private static double[][] Standardise(double[][] x)
    {
        int n = x.Length, k = x[0].Length;
        var z = x.Select(r => (double[])r.Clone()).ToArray();
        for (int j = 0; j < k; j++)
        {
            double mean = x.Average(r => r[j]);
            double sd = Math.Sqrt(x.Sum(r => (r[j] - mean) * (r[j] - mean)) / (n - 1));
            for (int i = 0; i < n; i++) z[i][j] = sd > 0 ? (x[i][j] - mean) / sd : 0;
        }
        return z;
    }

    // The first two left singular vectors of Z (as BoltzmannMachines.jl's svd(...).U[:, 1:2]), from the eigenvectors V of Z'Z:
    // u_c = Z v_c / s_c. Each v_c's sign is fixed so its largest entry is positive (an SVD leaves it open).
    private static double[][] FirstTwoComponents(double[][] z)
    {
        var matrix = Matrix<double>.Build.DenseOfRowArrays(z);
        var evd = matrix.TransposeThisAndMultiply(matrix).Evd(Symmetricity.Symmetric);
        int k = z[0].Length;
        var result = z.Select(_ => new double[2]).ToArray();
        for (int c = 0; c < 2; c++)
        {
            // Eigenvalues come in ascending order.
            int index = k - 1 - c;
            var vector = evd.EigenVectors.Column(index);
            double largest = vector.AbsoluteMaximum();
            if (vector[vector.AbsoluteMaximumIndex()] < 0) vector = -vector;
            double s = Math.Sqrt(Math.Max(evd.EigenValues[index].Real, 0));
            var u = matrix * vector;
            for (int i = 0; i < z.Length; i++) result[i][c] = s > 0 && largest > 0 ? u[i] / s : 0;
        }
        return result;
    }
}
