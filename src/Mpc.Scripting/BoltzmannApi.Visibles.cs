using Mpc.Boltzmann;
using Mpc.Core;
using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

public sealed partial class BoltzmannApi
{
    /// <summary>
    /// The default model SD of a Gaussian visible unit in units of its column's pooled SD: below 1, so that the hidden units can
    /// carry correlations (at 1 a Gaussian-Bernoulli RBM learns independent columns; see <see cref="Standardisation.VisibleSd"/>).
    /// </summary>
    public const double DefaultGaussianSd = 0.5;

    // The public ranges a DP run clips Gaussian columns to: the party's configured ones, or narrower ones the analyst asks for.
    private (double[] Lower, double[] Upper) GaussianRanges(VisibleEncoding encoding, string bounds)
    {
        var configured = _context.Limits.Bounds ?? new Dictionary<string, ColumnRange>();
        var missing = encoding.Columns.Where(c => !configured.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new ParameterProblemException($"visible=gaussian with reveal={DpIntermediates} clips each column to the public range in the party's configuration (privacy.<dataset>.bounds), and this party has none for: {string.Join(", ", missing)}.");
        var lower = encoding.Columns.Select(c => configured[c].Lower).ToArray();
        var upper = encoding.Columns.Select(c => configured[c].Upper).ToArray();
        if (bounds.Trim().Length == 0) return (lower, upper);
        // The analyst may only ask for less: a range within the party's own.
        var (askedLower, askedUpper) = RegressionApi.ParseBounds(bounds, encoding.Columns);
        for (int j = 0; j < lower.Length; j++)
        {
            if (!configured[encoding.Columns[j]].Contains(new ColumnRange(askedLower[j], askedUpper[j])))
                throw new ParameterProblemException($"bounds: the range asked for '{encoding.Columns[j]}' is wider than this party's configured one; ask for one within it.");
        }
        return (askedLower, askedUpper);
    }

    // The ranges every party clips to, which must be the same at all: each party standardises and decodes the one pooled sum with its own.
    private async Task<(double[] Lower, double[] Upper)> AgreedGaussianRangesAsync(VisibleEncoding encoding, string bounds, string checkOutput)
    {
        var ranges = GaussianRanges(encoding, bounds);
        _session.RequireKind(checkOutput, OutputKind.DataCheck);
        var agree = await SharedLimits.AgreeAsync(_session.Runtime, [.. ranges.Lower, .. ranges.Upper], encoding.Columns.Count, checkOutput).ConfigureAwait(false);
        var differing = encoding.Columns.Where((_, j) => !agree[j]).ToList();
        if (differing.Count > 0)
            // Only the agreement bits were opened (to the parties); the ranges themselves stay in each party's own log.
            throw new DataProblemException(ErrorMessages.BoundsDisagree(_context.Limits.Dataset, differing),
                $"bounds differ between parties for {string.Join(", ", differing)}; this party's: {string.Join(", ", differing.Select(c => { int j = encoding.Columns.ToList().IndexOf(c); return $"{c}={ranges.Lower[j]}:{ranges.Upper[j]}"; }))}", false);
        return ranges;
    }

    /// <summary>
    /// A partitioned first layer from "group,group,...": a group is one column, or a range "first-last" of consecutive columns
    /// (in the order of the columns), optionally followed by ":n", its hidden units. The groups cover every column once, in
    /// order; hidden units not given are shared evenly among the groups without ":n".
    /// </summary>
    internal static Partitioning ParsePartitions(VisibleEncoding encoding, string text, int hidden)
    {
        var columns = encoding.Columns.ToList();
        var visibleSizes = new List<int>();
        var hiddenSizes = new List<int?>();
        int next = 0;
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (range, units) = entry.LastIndexOf(':') is int colon and > 0 ? (entry[..colon].Trim(), entry[(colon + 1)..].Trim()) : (entry, "");
            var (first, last) = RangeOf(columns, range);
            if (first != next) throw new ParameterProblemException(ScriptingErrors.PartitionOutOfOrder(range, next < columns.Count ? columns[next] : null));
            visibleSizes.Add(Enumerable.Range(first, last - first + 1).Sum(j => encoding.Kind == VisibleKind.Categorical ? encoding.Groups[j] : 1));
            hiddenSizes.Add(units.Length == 0 ? null
                : int.TryParse(units, out int n) && n > 0 ? n : throw new ParameterProblemException(ScriptingErrors.PartitionUnitsInvalid(units, entry)));
            next = last + 1;
        }
        if (next != columns.Count || visibleSizes.Count < 2)
            throw new ParameterProblemException(ScriptingErrors.PartitionsTooFew(columns.Count));
        int given = hiddenSizes.Sum(h => h ?? 0), open = hiddenSizes.Count(h => h is null);
        if (given + open > hidden || (open == 0 && given != hidden))
            throw new ParameterProblemException(ScriptingErrors.PartitionUnitsMismatch(given, open, hidden));
        // The rest shared evenly among the groups without ':n', earlier ones taking one more.
        int k = 0, rest = hidden - given;
        return new Partitioning(visibleSizes, [.. hiddenSizes.Select(h => h ?? rest / open + (k++ < rest % open ? 1 : 0))]);
    }

    // A group: one column, or "first-last" (column names may hold '-': the split is the one with a column on both sides).
    private static (int First, int Last) RangeOf(List<string> columns, string range)
    {
        int single = columns.IndexOf(range);
        if (single >= 0) return (single, single);
        for (int dash = range.IndexOf('-', StringComparison.Ordinal); dash > 0; dash = range.IndexOf('-', dash + 1))
        {
            int first = columns.IndexOf(range[..dash].Trim()), last = columns.IndexOf(range[(dash + 1)..].Trim());
            if (first >= 0 && last >= first) return (first, last);
        }
        throw new ParameterProblemException(ScriptingErrors.PartitionRangeInvalid(range));
    }

    // A revealed model continues with the partitions it was trained with: its weights between them are zero and must stay so.
    private static void Partition(TrainedModel model, Partitioning? partitions)
    {
        if (partitions is null) return;
        model.Layers[0].Partitioning = partitions;
        if (model.Dbm is not null) model.Dbm.Partitions[0] = partitions;
    }

    // Pooled means and SDs of the training rows; each party's rows are the group behind them, as for a summary.
    private async Task<Standardisation> PoolStandardisationAsync(IStatisticsPool pool, string output, List<double[]> training, double visibleSd)
    {
        _session.CheckGroups(output, [training.Count]);
        return await Standardisation.PoolAsync(pool, training).ConfigureAwait(false) with { VisibleSd = visibleSd };
    }

    private static List<double[]> Standardised(List<double[]> rows, Standardisation? scale) =>
        scale is null ? rows : [.. rows.Select(r => scale.Standardise(r))];

    // A condition's Gaussian values are on the columns' scale; the model's clamp is on its own.
    private static double[] StandardiseClamp(double[] clamp, Standardisation scale)
    {
        var filled = clamp.Select(c => double.IsNaN(c) ? 0 : c).ToArray();
        var standardised = scale.Standardise(filled);
        return [.. clamp.Select((c, i) => double.IsNaN(c) ? double.NaN : standardised[i])];
    }

    /// <summary>
    /// BoltzmannMachines.jl's <c>top2latentdims</c> for synthetic rows (flattened, as from <see cref="Sample"/>): each row's
    /// mean activation of the model's top layer, logit-transformed, standardised and reduced to its first two principal
    /// components (see <see cref="LatentDimensions"/>), flattened as (x, y) per row. The model and the synthetic rows are public,
    /// so the result is too; a party's real rows are never projected here.
    /// </summary>
    /// <example>await mpc.Output("latent", mpc.Public(mpc.Boltzmann.TopLatentDimensions(fit, synthetic)));</example>
    public double[] TopLatentDimensions(BoltzmannFit fit, double[] synthetic)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        var rows = Unflatten(fit, synthetic);
        if (fit.Standardisation is { } scale) rows = Standardised(rows, scale);
        if (rows.Count < 2) throw new ParameterProblemException(ScriptingErrors.LatentNeedsTwoRows);
        return [.. LatentDimensions.Top2(fit.Model, rows).SelectMany(xy => xy)];
    }
}
