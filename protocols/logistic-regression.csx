// Logistic regression on the pooled rows of all parties (rows split across hospitals, same columns
// everywhere), in one of two modes:
// - reveal=final: the model stays secret-shared during training; Newton's method runs under MPC and
//   only the final coefficients (and, when asked, their standard errors) are revealed; with deviance=true (the default) also
//   the residual deviance (computed under MPC at the fitted coefficients) and the counts n and events, checked against
//   every party's minCellCount. The null deviance, AIC and degrees of freedom follow from those (Derive, on the analyst's side).
// - reveal=dp-intermediates: the model is public at each step; each party's clipped gradient is
//   summed with distributed Skellam noise and the noised sum is opened to every party, which all
//   take the same step. Epsilon (composed in RDP over all steps) is reported with the model.
Describe("Logistic regression of a 0/1 outcome on features, over the rows of all parties; only the final model (reveal=final) or DP-noised gradients (reveal=dp-intermediates) are revealed.");
Parameter("outcome", ParameterType.Column, null, "The 0/1 outcome column.");
Parameter("features", ParameterType.ColumnList, null, "Comma-separated feature columns.");
Parameter("intercept", ParameterType.Boolean, "true", "Fit an intercept.");
Parameter("lambda", ParameterType.Number, "0", "L2 penalty lambda/2 |beta|^2 on the original scale, or on the standardised one with standardise=true (the intercept is not penalised).");
Parameter("standardise", ParameterType.Boolean, "false", "Apply lambda to the coefficients of standardised features (as glmnet's standardize=TRUE): scaled by their pooled standard deviation, computed under MPC (final), or by half their public range (dp-intermediates). Coefficients are reported on the original scale either way.");
Parameter("reveal", ParameterType.Text, "final", "What is revealed: final (the model only) or dp-intermediates (DP-noised gradient sums at every step).");
Parameter("iterations", ParameterType.Integer, "15", "reveal=final: Newton iterations (public).");
Parameter("tolerance", ParameterType.Number, "1e-6", "reveal=final: the fit counts as converged when the last Newton step is shorter than this.");
Parameter("standard_errors", ParameterType.Boolean, "false", "reveal=final: also reveal the coefficients' standard errors (from the secure Hessian at the optimum).");
Parameter("deviance", ParameterType.Boolean, "true", "reveal=final: also reveal the residual deviance -2 log L (under MPC, error below 1e-9 a row) and the counts n and events (each party's events and non-events must be 0 or at least its minCellCount); reveal=dp-intermediates reveals no exact deviance.");
Parameter("bounds", ParameterType.Text, "", "reveal=dp-intermediates: public range of every feature, name=lo:hi,... (domain knowledge, not the data); values outside are clipped.");
Parameter("steps", ParameterType.Integer, "3", "reveal=dp-intermediates: gradient steps (each one a DP release).");
Parameter("learning_rate", ParameterType.Number, "20", "reveal=dp-intermediates: step size on the mean gradient of features scaled to [-1, 1].");
Parameter("clip", ParameterType.Number, "1", "reveal=dp-intermediates: per-record L2 clipping norm of the gradient (the sensitivity).");
Parameter("epsilon", ParameterType.Number, "1", "reveal=dp-intermediates: the session's privacy budget over all steps.");
Parameter("delta", ParameterType.Number, "1e-5", "reveal=dp-intermediates: delta of the guarantee.");
Parameter("honest_parties", ParameterType.Integer, "1", "reveal=dp-intermediates: dp.honest_parties, the guarantee holds if at least this many parties are honest (more noise for fewer).");
Output("coefficients", "Coefficients on the original scale of the features, (Intercept) first.");
Output("standard_errors", "reveal=final: standard errors of the coefficients (with standard_errors=true).");
Output("converged", "reveal=final: 1 when the last Newton step was below the tolerance, else 0.");
Output("deviance", "reveal=final with deviance=true: residual deviance -2 sum [y log p + (1-y) log(1-p)] at the fitted coefficients, p clipped to [2.2e-16, 1 - 2.2e-16] as glm's.");
Output("counts", OutputKind.Counts, "reveal=final with deviance=true: rows n and events (outcome 1) over all parties.");
Output("null_deviance", OutputKind.Derived, "reveal=final with deviance=true: deviance of the model with the intercept only (or eta = 0 without one), from n and events.");
Output("aic", OutputKind.Derived, "reveal=final with deviance=true: AIC = deviance + 2 p (p coefficients), as glm's.");
Output("degrees_of_freedom", OutputKind.Derived, "reveal=final with deviance=true: null and residual degrees of freedom, n - 1 (n without an intercept) and n - p.");
Output("gradients", OutputKind.DifferentiallyPrivateIntermediate, "reveal=dp-intermediates: the noised gradient sum of every step, in the scaled space, (Intercept) first.");
Output("rows", OutputKind.DifferentiallyPrivateIntermediate, "reveal=dp-intermediates: the noised number of rows over all parties.");
Output("privacy_spent", "reveal=dp-intermediates: epsilon and delta of the whole fit, composed in RDP.");
Output("constant_features", OutputKind.DataCheck, "reveal=final: before fitting, two bits per feature (does it take a single value over all parties' rows? does a value's magnitude reach 65,536?) are opened to the parties; either stops the session naming the feature.");
Output("iterations", OutputKind.Derived, "Newton iterations or gradient steps run.");

Label("coefficients", p => (p.Flag("intercept") ? new[] { "(Intercept)" } : new string[0]).Concat(p.List("features")).ToList());
Label("standard_errors", p => (p.Flag("intercept") ? new[] { "(Intercept)" } : new string[0]).Concat(p.List("features")).ToList());
Label("privacy_spent", p => new[] { "epsilon", "delta" });
Label("counts", p => new[] { "n", "events" });
Label("degrees_of_freedom", p => new[] { "null", "residual" });
Derive((outputs, p) =>
{
    var derived = new Dictionary<string, double[]> { ["iterations"] = new double[] { p.Text("reveal") == "final" ? p.Integer("iterations") : p.Integer("steps") } };
    if (!outputs.TryGetValue("deviance", out var deviance) || !outputs.TryGetValue("counts", out var counts)) return derived;
    // Post-processing of revealed outputs: the null model's fitted p is events / n with an intercept and 1/2 without.
    double n = counts[0], events = counts[1], coefficients = outputs["coefficients"].Length;
    double LogLikelihood(double k, double q) => k == 0 ? 0 : k * Math.Log(q);
    derived["null_deviance"] = new[] { p.Flag("intercept") ? -2 * (LogLikelihood(events, events / n) + LogLikelihood(n - events, 1 - events / n)) : 2 * n * Math.Log(2) };
    derived["aic"] = new[] { deviance[0] + 2 * coefficients };
    derived["degrees_of_freedom"] = new[] { p.Flag("intercept") ? n - 1 : n, n - coefficients };
    return derived;
});

Run(async mpc =>
{
    switch (mpc.Text("reveal"))
    {
        case "final":
            var fit = await mpc.Regression.Logistic(mpc.Text("outcome"), mpc.List("features"), mpc.Flag("intercept"), mpc.Number("lambda"),
                mpc.Integer("iterations"), mpc.Number("tolerance"), mpc.Flag("standard_errors"), mpc.Flag("standardise"), deviance: mpc.Flag("deviance"), countsOutput: "counts", devianceOutput: "deviance");
            await mpc.Output("coefficients", fit.Coefficients);
            if (fit.StandardErrors is not null) await mpc.Output("standard_errors", fit.StandardErrors);
            await mpc.Output("converged", fit.Converged);
            if (fit.Deviance is not null && fit.Counts is not null)
            {
                await mpc.Output("deviance", fit.Deviance);
                await mpc.Output("counts", fit.Counts);
            }
            break;
        case "dp-intermediates":
            var dp = await mpc.Regression.LogisticPrivate(mpc.Text("outcome"), mpc.List("features"), mpc.Flag("intercept"), mpc.Number("lambda"), mpc.Text("bounds"),
                mpc.Integer("steps"), mpc.Number("learning_rate"), mpc.Number("clip"), mpc.Number("epsilon"), mpc.Number("delta"), mpc.Integer("honest_parties"), mpc.Flag("standardise"));
            // Everything below is public already (computed from the noised releases); the analyst gets the same values.
            await mpc.Output("coefficients", mpc.Public(dp.Coefficients));
            await mpc.Output("gradients", mpc.Public(dp.NoisedGradients.SelectMany(g => g).ToArray()));
            await mpc.Output("rows", mpc.Public(dp.NoisedRows));
            await mpc.Output("privacy_spent", mpc.Public(dp.Epsilon, dp.Delta));
            break;
        default:
            throw new ArgumentException($"reveal={mpc.Text("reveal")} is not a mode: use final or dp-intermediates.");
    }
});
