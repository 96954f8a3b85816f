using Mpc.Boltzmann;
using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime.Protocols;

namespace Mpc.Scripting;

public sealed partial class BoltzmannApi
{
    /// <summary>
    /// Synthetic rows from the (public) model, one value per column (categorical: the level's index; Gaussian: on the column's own
    /// scale, a condition's value too), flattened row by row; the same at every party for the same seed. Every row is its own Gibbs
    /// chain seeded by (seed, row) (<see cref="GibbsSampling.SampleRow"/>), and the parties share the work: party k draws rows k, k + N, ...
    /// and sends them to the others (<see cref="SharedPublicWork"/>), so each row is drawn once overall. The rows are samples of the
    /// model every party already holds under a public seed, so what is sent is what every party could draw itself: no party's data.
    /// Before any row is drawn the parties check under MPC that they hold the same arguments (count, burn-in, seed, condition and
    /// the model, as one SHA-256 digest each); only whether all are equal opens, to the parties, as <paramref name="checkOutput"/>
    /// (a declared <c>OutputKind.DataCheck</c>, opened once a session), and a difference stops the session naming no value.
    /// <paramref name="condition"/> ("column=value; ...") fixes columns, which every sample then has exactly (Gibbs sampling with
    /// those visible units clamped).
    /// </summary>
    /// <example><code>
    /// var synthetic = await mpc.Boltzmann.Sample(fit, 500, burnIn: 200, seed: 1);
    /// await mpc.Output("synthetic", mpc.Public(synthetic));
    /// </code></example>
    public async Task<double[]> Sample(BoltzmannFit fit, int count, int burnIn, int seed, string condition = "", string checkOutput = "sampling_agree")
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(checkOutput);
        if (count < 1 || count > 1_000_000 || burnIn < 1) throw new ParameterProblemException(ScriptingErrors.SamplingSettingsOutOfRange);
        var clamp = fit.Standardisation is { } scale ? StandardiseClamp(fit.Encoding.Clamp(condition), scale) : fit.Encoding.Clamp(condition);
        var fixedUnits = clamp.Any(c => !double.IsNaN(c)) ? clamp : null;
        _session.RequireKind(checkOutput, OutputKind.DataCheck);
        // A script could compute the seed (or any argument) from its party's rows; the rows it would then send are checked out first.
        var digest = GibbsSampling.ArgumentsDigest(fit.Model, count, burnIn, seed, fixedUnits);
        if (!await SharedLimits.AgreeOnDigestAsync(_session.Runtime, digest, checkOutput).ConfigureAwait(false)) throw new ParameterProblemException(ScriptingErrors.SamplingArgumentsDisagree);
        var rows = await SharedPublicWork.ComputeAsync(_session.Runtime, count, fit.Model.Layers[0].Visible,
            row => GibbsSampling.SampleRow(fit.Model, row, burnIn, seed, fixedUnits)).ConfigureAwait(false);
        return [.. rows.SelectMany(r => fit.Standardisation is { } s ? s.Restore(fit.Encoding.Decode(r)) : fit.Encoding.Decode(r))];
    }
}
