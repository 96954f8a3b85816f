namespace Mpc.Boltzmann;

/// <summary>
/// BoltzmannMachines.jl's top2latentdims: a two-dimensional picture of rows through a model's top hidden layer. Each row's
/// mean activation of the top layer (DBM: mean-field; RBM: p(h | v); DBN: probabilities passed up) is logit-transformed,
/// the columns standardised, and the first two principal components taken (two top units: the logits themselves; one: a
/// zero second dimension). The model alone decides it, so for public rows (synthetic ones) the result is public; the
/// directions fitted on them place other rows (a party's own) in the same picture (<see cref="LatentProjection"/>).
/// </summary>
public static class LatentDimensions
{
    /// <summary>One (x, y) pair per row, in the order of <paramref name="rows"/> (rows in the model's visible units).</summary>
    public static double[][] Top2(TrainedModel model, IReadOnlyList<double[]> rows, int meanFieldIterations = 10) =>
        LatentProjection.Fit(model, rows, meanFieldIterations).Project(rows);

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
}
