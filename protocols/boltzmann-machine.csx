// One Boltzmann machine (RBM, DBN or DBM) trained on the pooled rows of all parties, then synthetic
// rows sampled from it. Each gradient's data term is a secure sum over the parties; its model term
// comes from persistent Gibbs chains on the public model, which need no data.
// - reveal=dp-intermediates (the default): each step pools a Poisson subsample, each record's gradient
//   clipped and the sum noised with distributed Skellam; the run stays within (epsilon, delta), composed in RDP.
// - reveal=exact-intermediates: the pooled sums are exact and opened to every party at every step (so
//   each party learns the others' aggregate statistics; with two parties, the other's), only where every
//   party's policy allows exact intermediates; the analyst gets the final model, the monitoring and the
//   synthetic rows.
// - visible=categorical: each column is one-hot over its public levels; synthetic rows come back as level
//   indices, and `mpc local --out` writes them as the levels (synthetic.csv).
// - visible=binomial: 0/1/2 columns, each unit two Bernoulli units sharing weights (BoltzmannMachines.jl's Binomial2BernoulliRBM).
// - visible=gaussian: columns standardised by their pooled means and SDs (one secure sum of x, x^2 and the count; exact: each
//   party's rows checked as a group; DP: clipped to the parties' configured ranges, checked equal under MPC, and noised under a tenth of the budget),
//   output as standardisation; synthetic rows come back on the columns' scale.
// - latent_density: each party projects its own training rows with the top-2 directions of the synthetic rows and counts them on a
//   fixed grid set by the synthetic rows; only the pooled cell counts leave (exact mode, asked for and only where every party allows
//   suppression, with at least 3 top units: small cells shown as 0, decided under MPC;
//   DP: Skellam-noised, a twentieth of the budget set aside before training). No row's coordinates leave a party.
// - partitions: the first hidden layer as independent RBMs on groups of columns (BoltzmannMachines.jl's PartitionedRBM),
//   under the joint layers above.
// - evaluate (reveal=exact-intermediates): the synthetic rows are scored against the real rows under MPC (marginal utility;
//   distance-to-closest-record quantiles over all parties' rows by a secure minimum, and the share of exact copies; gaussian columns get the utility on quartile bins cut at the synthetic rows'
//   quartiles and the distances in units of the synthetic rows' standard deviations, on a public grid); only the
//   scores come out. A DP run skips it: exact
//   scores of the real rows would fall outside its (epsilon, delta).
Describe("A Boltzmann machine (rbm, dbn or dbm) trained on the pooled rows of all parties, with its monitoring and synthetic rows sampled from it.");
Parameter("columns", ParameterType.ColumnList, null, "Comma-separated visible columns (0/1 for bernoulli visibles; any text for categorical ones).");
Parameter("model", ParameterType.Text, "", "rbm, dbn or dbm (empty: rbm with dp-intermediates, dbm with exact-intermediates).");
Parameter("visible", ParameterType.Text, "bernoulli", "bernoulli (0/1 columns), binomial (0/1/2 columns), categorical (one-hot groups over the levels) or gaussian (continuous columns standardised by their pooled means and SDs; with dp-intermediates clipped to each party's configured bounds).");
Parameter("gaussian_sd", ParameterType.Number, "0.5", "visible=gaussian: the model's SD of a visible unit in units of its column's pooled SD, in (0, 1] (1: unit variance after standardisation, which learns no correlation).");
Parameter("partitions", ParameterType.Text, "", "Partition the first hidden layer into independent RBMs on groups of columns: 'x1-x6,x7-x12' (a column or a range first-last, in the order of columns, covering all), each optionally ':n' hidden units (otherwise the layer's units shared evenly).");
Parameter("levels", ParameterType.Text, "", "visible=categorical: public levels per column, 'column=level|level|...' separated by ';' (a column left out has levels 0|1).");
Parameter("hidden", ParameterType.Text, "", "Hidden layer sizes, comma-separated (one for an rbm; empty: 10 with dp-intermediates, 25,15 with exact-intermediates).");
Parameter("epochs", ParameterType.NumberList, "", "Epochs of each layer's (pre-)training: one for all layers, or one per hidden layer (empty: 40 with dp-intermediates, 10 with exact-intermediates).");
Parameter("learning_rate", ParameterType.NumberList, "0.4", "Learning rate of each layer's (pre-)training (of the mean gradient over a batch): one for all layers, or one per hidden layer.");
Parameter("fine_tuning_learning_rate", ParameterType.Number, "0.05", "dbm: learning rate of mean-field fine-tuning.");
Parameter("learning_rate_decay", ParameterType.Number, "0.1", "Last epoch's learning rate as a share of the first (hyperbolic decay; 1: constant).");
Parameter("batch_size", ParameterType.NumberList, "", "Pooled (expected) batch size: one for all layers, or one per hidden layer; dbm fine-tuning uses the first (empty: 100 with dp-intermediates, a Poisson rate of 100 over the pooled rows; 50 with exact-intermediates).");
Parameter("fine_tuning_epochs", ParameterType.Integer, "10", "dbm: epochs of mean-field fine-tuning.");
Parameter("monitor_every", ParameterType.Integer, "5", "Monitor every this many epochs (0: never).");
Parameter("reveal", ParameterType.Text, "dp-intermediates", "dp-intermediates (Skellam-noised sums of clipped per-record gradients) or exact-intermediates (every step's exact pooled sums to every party; only where the parties' policies allow it).");
Parameter("epsilon", ParameterType.Number, "5", "reveal=dp-intermediates: privacy budget of the whole run.");
Parameter("delta", ParameterType.Number, "1e-5", "reveal=dp-intermediates: delta.");
Parameter("clip", ParameterType.Number, "5", "reveal=dp-intermediates: per-record L2 clipping norm of a record's gradient (its data term minus the public model term).");
Parameter("honest_parties", ParameterType.Integer, "1", "reveal=dp-intermediates: the guarantee holds if at least this many parties are honest.");
Parameter("samples", ParameterType.Integer, "500", "Synthetic rows to draw from the final model.");
Parameter("burn_in", ParameterType.Integer, "200", "Gibbs sweeps before each synthetic row.");
Parameter("condition", ParameterType.Text, "", "Sample conditionally on fixed values, 'column=value' separated by ';' (categorical: a level); every synthetic row has them.");
Parameter("ais_runs", ParameterType.Integer, "32", "Annealed importance sampling runs per log Z estimate, for models too large for the exact sum (0: no estimate).");
Parameter("seed", ParameterType.Integer, "1", "Public seed of the model-side chains, the holdout split and the sampling.");
Parameter("holdout", ParameterType.Number, "0", "Share of each party's rows kept out of training, for the privacy evaluation against unseen rows.");
Parameter("monitoring", ParameterType.Number, "0", "reveal=exact-intermediates: share of each party's training rows split off (seeded per party) for monitoring, as DataSHIELD's ds.splitdata; their pooled metrics come out as monitoring_heldout.");
Parameter("start_model", ParameterType.NumberList, "", "Continue training this model: the values of a previous run's model output (same columns, visible, model and hidden); rbm trains epochs more, dbm fine-tunes fine_tuning_epochs more.");
Parameter("epochs_done", ParameterType.Integer, "0", "start_model: epochs the model has had; this run's are numbered after them (shuffles, monitoring).");
Parameter("bounds", ParameterType.Text, "", "visible=gaussian with dp-intermediates: ranges name=lo:hi,... within every party's configured bounds (empty: the parties' configured ones, which must then agree).");
Parameter("latent_bins", ParameterType.NumberList, "", "Bins per axis of the latent density of the parties' training rows (2 to 100; 0: none): pooled counts on a grid over the synthetic rows' top-2 latent dimensions (empty: 20 with dp-intermediates; 0 with exact-intermediates, whose density needs every party's allowSuppression and a top layer of at least 3 units).");
Parameter("evaluate", ParameterType.Boolean, "true", "reveal=exact-intermediates: score the synthetic rows securely against the pooled real rows (gaussian visibles: utility on quartile bins, distances in synthetic standard deviations); only the scores come out.");
Output("model", "The model's parameters (per layer W row-major, visible bias, hidden bias; dbm: W_1..W_L, then biases b_0..b_L).");
Output("monitoring", "Training curves as (part, epoch, metric, value) quadruples: part 1..L per layer, 0 for dbm fine-tuning; metric 0 reconstruction error, 1 log Z, 2 log-likelihood, 3 log-likelihood lower bound.");
Output("monitoring_heldout", "monitoring > 0: the quadruples of monitoring over the rows each party split off for monitoring (reconstruction error, log-likelihood or its lower bound; log Z is in monitoring), pooled.");
Output("synthetic", "Synthetic rows sampled from the final model, row by row in the order of columns (categorical: the level's index in levels, from 0; gaussian: on the columns' scale).");
Output("standardisation", "visible=gaussian: the pooled means of the columns, then their SDs (n - 1), by which the model's visible units were standardised (DP: noised).");
Output("latent", "The top-2 latent dimensions of the synthetic rows (BoltzmannMachines.jl's top2latentdims): (x, y) per synthetic row, in the order of synthetic.");
Output("latent_grid", "The latent density's grid: x min, x max, y min, y max and bins per axis, set by the synthetic rows' latent dimensions (public).");
Output("latent_density", OutputKind.Counts, "reveal=exact-intermediates: pooled counts of the parties' training rows in the latent grid's cells (row-major, y from the bottom), small cells shown as 0.");
Output("latent_density_noised", "reveal=dp-intermediates: the same counts with distributed Skellam noise (a twentieth of the budget).");
Output("utility", "Secure utility against the pooled training rows: mean L1 and maximum deviation of the 1- to 4-way marginals (at most 200 variable sets per order), then the mean squared difference of the pairwise log odds ratios.");
Output("privacy", "Secure privacy check: quantiles (1%, 5%, 50%) of each synthetic row's distance to its closest training record over all parties, then of the nearest/second-nearest ratio, then the share of synthetic rows that copy a training row exactly.");
Output("privacy_holdout", "holdout > 0: share of synthetic rows whose closest record over all parties is a training rather than a holdout row (ties half; about 0.5 with holdout=0.5 if the model does not memorise, in general about the training share).");
Output("bounds_agree", OutputKind.DataCheck, "visible=gaussian with dp-intermediates: before the standardisation, one bit per column (do all parties clip it to the same range?) is opened to the parties; a range that differs stops the session naming the column.");
Output("sampling_agree", OutputKind.DataCheck, "Before any synthetic row is drawn, one bit (do all parties hold the same samples, burn_in, seed, condition and model?) is opened to the parties; a difference stops the session.");
Output("pooled_sums", OutputKind.ExactIntermediate, "reveal=exact-intermediates: the exact pooled data terms, opened to every party at every step.");
Output("noised_sums", OutputKind.DifferentiallyPrivateIntermediate, "reveal=dp-intermediates: the Skellam-noised pooled data terms of every step.");
Output("privacy_spent", "reveal=dp-intermediates: epsilon and delta of the run, composed in RDP.");
Label("privacy_spent", p => new[] { "epsilon", "delta" });
Label("utility", p => BoltzmannApi.UtilityLabels(p.List("columns").Count));
Label("privacy", p => BoltzmannApi.PrivacyLabels);
Label("latent_grid", p => new[] { "x min", "x max", "y min", "y max", "bins" });
Label("privacy_holdout", p => new[] { "closer to training than holdout" });
Label("standardisation", p => p.List("columns").Select(c => "mean " + c).Concat(p.List("columns").Select(c => "sd " + c)).ToArray());
Stage("secure evaluation");

Run(async mpc =>
{
    bool dp = mpc.Text("reveal") == "dp-intermediates";
    // An empty schedule parameter takes its mode's default: DP's is DpSchedule (DP-SGD style, found on blocks-in-noise), exact's the DataSHIELD experiment's DBM.
    string model = mpc.Text("model") is { Length: > 0 } m ? m : dp ? "rbm" : "dbm";
    string hidden = mpc.Text("hidden") is { Length: > 0 } h ? h : dp ? $"{DpSchedule.Hidden}" : "25,15";
    double[] epochs = mpc.Numbers("epochs") is { Length: > 0 } e ? e : [dp ? DpSchedule.Epochs : 10];
    double[] batchSizes = mpc.Numbers("batch_size") is { Length: > 0 } b ? b : [dp ? DpSchedule.BatchSize : 50];
    // The exact density needs every party's allowSuppression, so an exact run asks for it explicitly.
    int latentBins = mpc.Numbers("latent_bins") is { Length: > 0 } l ? (int)l[0] : dp ? 20 : 0;
    var settings = new TrainingSettings
    {
        Seed = mpc.Integer("seed"),
        MonitorEvery = mpc.Integer("monitor_every"),
        AisRuns = mpc.Integer("ais_runs"),
        AisTemperatures = 300,
        FineTuningEpochs = mpc.Integer("fine_tuning_epochs"),
        FineTuningLearningRate = mpc.Number("fine_tuning_learning_rate"),
        LearningRateDecay = mpc.Number("learning_rate_decay"),
        // An empty list is refused by Train, naming batch_size.
        FineTuningBatchSize = (int)batchSizes[0],
        Epsilon = dp ? mpc.Number("epsilon") : null,
        Delta = mpc.Number("delta"),
        ClipNorm = mpc.Number("clip"),
        HonestParties = mpc.Integer("honest_parties"),
        EpochsDone = mpc.Integer("epochs_done"),
    };
    var fit = await mpc.Boltzmann.Train(model, mpc.List("columns"), mpc.Text("visible"), hidden, epochs,
        mpc.Numbers("learning_rate"), batchSizes, mpc.Text("reveal"), settings, holdout: mpc.Number("holdout"), levels: mpc.Text("levels"), monitoring: mpc.Number("monitoring"), start: mpc.Numbers("start_model"),
        partitions: mpc.Text("partitions"), gaussianSd: mpc.Number("gaussian_sd"), bounds: mpc.Text("bounds"), latentBins: mpc.Integer("samples") >= 2 ? latentBins : 0);
    if (fit.Standardisation is not null) await mpc.Output("standardisation", mpc.Public(fit.Standardisation.Values()));
    // The model is public to the parties already (they computed it from the pooled sums); the analyst gets it here.
    await mpc.Output("model", mpc.Public(fit.Model.Parameters()));
    await mpc.Output("monitoring", mpc.Public(BoltzmannApi.MonitoringSeries(fit.Model)));
    if (mpc.Number("monitoring") > 0) await mpc.Output("monitoring_heldout", mpc.Public(BoltzmannApi.MonitoringSeries(fit.Model, "monitoring")));
    var synthetic = await mpc.Boltzmann.Sample(fit, mpc.Integer("samples"), mpc.Integer("burn_in"), mpc.Integer("seed"), mpc.Text("condition"));
    await mpc.Output("synthetic", mpc.Public(synthetic));
    if (mpc.Integer("samples") >= 2) await mpc.Output("latent", mpc.Public(mpc.Boltzmann.TopLatentDimensions(fit, synthetic)));
    if (fit.LatentBins > 0)
    {
        // The parties' own rows only as pooled counts on a grid the synthetic rows set; no row's coordinates leave.
        await mpc.Output("latent_grid", mpc.Public(mpc.Boltzmann.LatentDensityGrid(fit, synthetic)));
        await mpc.Output(dp ? "latent_density_noised" : "latent_density", await mpc.Boltzmann.LatentDensity(fit, synthetic, mpc.Text("condition")));
    }
    if (mpc.Flag("evaluate") && !dp)
    {
        mpc.Progress("secure evaluation", 0);
        // Conditional samples are scored against the real rows that satisfy the same condition.
        await mpc.Output("utility", await mpc.Boltzmann.Utility(fit, synthetic, condition: mpc.Text("condition")));
        await mpc.Output("privacy", await mpc.Boltzmann.Privacy(fit, synthetic, mpc.Text("condition")));
        if (mpc.Number("holdout") > 0) await mpc.Output("privacy_holdout", await mpc.Boltzmann.HoldoutComparison(fit, synthetic, mpc.Text("condition")));
    }
    if (dp)
    {
        await mpc.Output("noised_sums", mpc.Public(fit.NoisedSeries.ToArray()));
        await mpc.Output("privacy_spent", mpc.Public(fit.EpsilonSpent, fit.Delta));
    }
});
