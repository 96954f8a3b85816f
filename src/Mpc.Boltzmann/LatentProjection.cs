using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Boltzmann;

/// <summary>
/// The top-2 latent directions of BoltzmannMachines.jl's top2latentdims, fitted on one set of rows and applicable to others:
/// the fitted rows' logit means and SDs of the model's top layer, and the first two right singular vectors v_c with their
/// singular values s_c of the standardised logits Z. A row's coordinates are (z v_c) / s_c, so the fitted rows get exactly
/// their left singular vectors (<see cref="LatentDimensions.Top2"/>) and other rows land in the same picture. Fitted on public
/// (synthetic) rows it is public, and a party can place its own rows among them without anything leaving.
/// </summary>
public sealed class LatentProjection
{
    // Mean activations are clipped this far from 0 and 1 before the logit, which is infinite there.
    private const double Margin = 1e-9;

    private readonly TrainedModel _model;
    private readonly int _meanFieldIterations;
    private readonly double[] _means, _sds;
    private readonly double[][] _directions;
    private readonly double[] _singularValues;

    private LatentProjection(TrainedModel model, int meanFieldIterations, double[] means, double[] sds, double[][] directions, double[] singularValues)
    {
        _model = model;
        _meanFieldIterations = meanFieldIterations;
        _means = means;
        _sds = sds;
        _directions = directions;
        _singularValues = singularValues;
    }

    /// <summary>Fits the directions on <paramref name="rows"/> (at least two, in the model's visible units).</summary>
    public static LatentProjection Fit(TrainedModel model, IReadOnlyList<double[]> rows, int meanFieldIterations = 10)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        int visible = model.Layers[0].Visible;
        if (rows.Count < 2 || rows.Any(r => r.Length != visible)) throw new ArgumentException($"Give at least two rows of {visible} values (the model's visible units).", nameof(rows));
        if (meanFieldIterations < 1) throw new ArgumentOutOfRangeException(nameof(meanFieldIterations), "Mean-field needs at least one iteration.");
        var logits = rows.Select(v => Logits(model, v, meanFieldIterations)).ToArray();
        int units = logits[0].Length;
        // One or two top units are the picture themselves (a zero second dimension for one), as in top2latentdims.
        if (units <= 2) return new LatentProjection(model, meanFieldIterations, [], [], [], []);
        int n = logits.Length;
        var means = new double[units];
        var sds = new double[units];
        for (int j = 0; j < units; j++)
        {
            means[j] = logits.Average(r => r[j]);
            sds[j] = Math.Sqrt(logits.Sum(r => (r[j] - means[j]) * (r[j] - means[j])) / (n - 1));
        }
        var z = Matrix<double>.Build.DenseOfRowArrays(logits.Select(r => Standardise(r, means, sds)));
        var evd = z.TransposeThisAndMultiply(z).Evd(Symmetricity.Symmetric);
        var directions = new double[2][];
        var singular = new double[2];
        for (int c = 0; c < 2; c++)
        {
            // Eigenvalues come in ascending order; each vector's sign is fixed so its largest entry is positive (an SVD leaves it open).
            int index = units - 1 - c;
            var vector = evd.EigenVectors.Column(index);
            if (vector[vector.AbsoluteMaximumIndex()] < 0) vector = -vector;
            directions[c] = vector.ToArray();
            singular[c] = Math.Sqrt(Math.Max(evd.EigenValues[index].Real, 0));
        }
        return new LatentProjection(model, meanFieldIterations, means, sds, directions, singular);
    }

    /// <summary>One (x, y) pair per row, in the picture of the fitted rows.</summary>
    public double[][] Project(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int visible = _model.Layers[0].Visible;
        if (rows.Any(r => r is null || r.Length != visible)) throw new ArgumentException($"Every row needs {visible} values (the model's visible units).", nameof(rows));
        return [.. rows.Select(Project)];
    }

    private double[] Project(double[] row)
    {
        var h = Logits(_model, row, _meanFieldIterations);
        if (h.Length == 1) return [h[0], 0];
        if (h.Length == 2) return h;
        var z = Standardise(h, _means, _sds);
        var xy = new double[2];
        for (int c = 0; c < 2; c++)
        {
            double dot = 0;
            for (int j = 0; j < z.Length; j++) dot += z[j] * _directions[c][j];
            xy[c] = _singularValues[c] > 0 ? dot / _singularValues[c] : 0;
        }
        return xy;
    }

    private static double[] Logits(TrainedModel model, double[] v, int iterations) =>
        [.. LatentDimensions.TopActivation(model, v, iterations).Select(p => Math.Clamp(p, Margin, 1 - Margin)).Select(q => Math.Log(q / (1 - q)))];

    // (x - mean) / SD per unit; a unit constant over the fitted rows stays at 0.
    private static double[] Standardise(double[] x, double[] means, double[] sds) =>
        [.. x.Select((value, j) => sds[j] > 0 ? (value - means[j]) / sds[j] : 0)];
}
