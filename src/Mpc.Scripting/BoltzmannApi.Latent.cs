using Mpc.Boltzmann;
using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Scripting;

public sealed partial class BoltzmannApi
{
    /// <summary>
    /// Shares of a DP run's budget the latent density takes: its noise is that of one of this many equal releases spending the
    /// whole budget (a twentieth, as the row count), and the training steps are calibrated into the rest.
    /// </summary>
    public const int LatentDensityShares = 20;

    /// <summary>The release the DP latent density is made under (reserved before training).</summary>
    public const string LatentDensityRelease = "latent density";

    /// <summary>
    /// The grid of <see cref="LatentDensity"/>: x min, x max, y min, y max and bins per axis, over the top-2 latent dimensions
    /// of the synthetic rows (flattened, as from <see cref="Sample"/>) widened by a tenth of each span. Public, as the model and
    /// the synthetic rows are; no party's rows decide it.
    /// </summary>
    /// <example>await mpc.Output("latent_grid", mpc.Public(mpc.Boltzmann.LatentDensityGrid(fit, synthetic)));</example>
    public double[] LatentDensityGrid(BoltzmannFit fit, double[] synthetic)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        return Latent(fit, synthetic).Grid.Values();
    }

    /// <summary>
    /// DataSHIELD's top2LatentDims on the real rows, without releasing a row: each party projects its own training rows with
    /// the top-2 directions fitted on the synthetic rows (public) and counts them on the fixed grid of
    /// <see cref="LatentDensityGrid"/> (fit.LatentBins per axis, set at training; cells row-major, y from the bottom; rows
    /// outside the grid count nowhere). Only the pooled cell counts can leave, summed under MPC, never a party's own:
    /// exact-intermediates (only where every party's policy allows suppression, and with at least 3 top hidden units): a cell where any party holds between 1 and its minimum cell count less one of its rows, or where the
    /// pooled count lies below the parties' largest minimum cell count (taken under MPC), is shown as 0, as DataSHIELD's
    /// histogram does its small cells; the pattern is not shown, so a suppressed cell reads as an empty one. Output it with a
    /// declared <c>OutputKind.Counts</c>; the party's shown cells pass its disclosure limits.
    /// dp-intermediates: each row is a one-hot record of its cell, summed with distributed Skellam noise under the release
    /// reserved at training (<see cref="LatentDensityShares"/>), opened to the parties as one more DP intermediate; the noised
    /// counts (real numbers, possibly negative) are public and go to the analyst as an exact output. With the
    /// <paramref name="condition"/> the synthetic rows were sampled under, only the training rows that satisfy it are counted
    /// (a condition on a Gaussian column has no such rows: all are counted).
    /// </summary>
    /// <example>await mpc.Output("latent_density", await mpc.Boltzmann.LatentDensity(fit, synthetic));</example>
    public async Task<Secret<UInt128>> LatentDensity(BoltzmannFit fit, double[] synthetic, string condition = "")
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(condition);
        var (projection, grid) = Latent(fit, synthetic);
        var rows = fit.Encoding.Kind == VisibleKind.Gaussian ? fit.TrainingRows : Satisfying(fit, fit.TrainingRows, condition);
        var own = fit.Standardisation is { } scale ? Standardised([.. rows], scale) : [.. rows];
        var cells = own.Count == 0 ? [] : projection.Project(own).Select(xy => grid.CellOf(xy[0], xy[1])).ToArray();
        if (fit.PrivatePool is { } pool)
        {
            var records = cells.Select(cell => { var r = new double[grid.Cells]; if (cell >= 0) r[cell] = 1; return r; }).ToList();
            var noised = await pool.SumAsync(LatentDensityRelease, records, grid.Cells).ConfigureAwait(false);
            return Input.Public(_session.Runtime, noised, noised.Length, 1, _session.Runtime.Format.FractionalBits);
        }
        CheckEvaluable(fit);
        CheckExactLatentDensity(fit.Model.Layers[^1].Hidden);
        var local = new double[grid.Cells];
        foreach (int cell in cells.Where(c => c >= 0)) local[cell]++;
        return await SuppressedCountsAsync(local).ConfigureAwait(false);
    }

    // The exact density shows small cells as 0, as a table's suppression does, so it needs the party's allowSuppression; and with one
    // or two top units the analyst's model (its seed, epochs=0, the grid from synthetic rows) is close to a chosen axis through a record.
    private void CheckExactLatentDensity(int topUnits)
    {
        var limits = _context.Limits;
        if (!limits.AllowSuppression)
            throw new ParameterProblemException(ErrorMessages.ExactLatentDensityNeedsSuppression(limits.Dataset));
        if (topUnits < 3)
            throw new ParameterProblemException(ErrorMessages.ExactLatentDensityNeedsTopUnits(topUnits));
    }

    // The pooled counts with every small cell shown as 0: flagged by a party holding 1..minCellCount-1 of its rows there, or
    // pooled below the largest minimum cell count. Nothing opens here; the caller outputs the result to the analyst.
    private async Task<Secret<UInt128>> SuppressedCountsAsync(double[] local)
    {
        var runtime = _session.Runtime;
        int limit = _context.Limits.MinCellCount, n = local.Length;
        bool Small(double count) => count > 0 && count < limit;
        var flags = local.Select(c => Small(c) ? 1.0 : 0.0).ToArray();
        var sums = await Input.SumAcrossPartiesAsync(runtime, [.. local, .. flags], n, 0, ["latent density cell"]).ConfigureAwait(false);
        var counts = sums.Slice(0, n);
        var largest = await SharedLimits.LargestAsync(runtime, limit).ConfigureAwait(false);
        // One batch: some party flagged (-flags < 0), pooled below the largest limit, pooled below 1.
        var below = await Comparison.LessThanZeroAsync(runtime, Secret<UInt128>.Concatenate(
            [sums.Slice(n, n) * -1, counts - largest.Gather(new int[n]), counts - 1.0])).ConfigureAwait(false);
        var flagged = below.Slice(0, n);
        var pooledSmall = below.Slice(n, n) - below.Slice(2 * n, n);
        var both = await Multiplication.MultiplyAsync(runtime, flagged, pooledSmall).ConfigureAwait(false);
        var suppressed = flagged + pooledSmall - both;
        var shown = await Multiplication.MultiplyAsync(runtime, counts, 1.0 - suppressed).ConfigureAwait(false);
        // What this party puts into shown cells: its own small ones are suppressed by its own flag.
        _session.Behind(shown, DisclosureKind.CellCounts, "", [.. local.Select(c => Small(c) ? 0 : c)]);
        return shown;
    }

    // The directions and the grid, both from the public synthetic rows.
    private (LatentProjection Projection, LatentGrid Grid) Latent(BoltzmannFit fit, double[] synthetic)
    {
        if (fit.LatentBins < 2) throw new ParameterProblemException("The latent density needs its grid's bins at training (Train's latentBins, at least 2), so that a DP run reserves its release.");
        var rows = Unflatten(fit, synthetic);
        if (fit.Standardisation is { } scale) rows = Standardised(rows, scale);
        if (rows.Count < 2) throw new ParameterProblemException("The top latent dimensions need at least two synthetic rows.");
        var projection = LatentProjection.Fit(fit.Model, rows);
        return (projection, LatentGrid.Around(projection.Project(rows), fit.LatentBins));
    }
}
