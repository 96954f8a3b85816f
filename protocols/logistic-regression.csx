// Logistic regression on the pooled rows of all parties (rows split across hospitals, same columns
// everywhere). With reveal=final the model stays secret-shared during training: Newton's method runs
// under MPC and only the final coefficients (and, when asked, their standard errors) are revealed.
Describe("Logistic regression of a 0/1 outcome on features, over the rows of all parties; only the final model is revealed.");
Parameter("outcome", ParameterType.Column, null, "The 0/1 outcome column.");
Parameter("features", ParameterType.ColumnList, null, "Comma-separated feature columns.");
Parameter("intercept", ParameterType.Boolean, "true", "Fit an intercept.");
Parameter("lambda", ParameterType.Number, "0", "L2 penalty lambda/2 |beta|^2 on the original scale (the intercept is not penalised).");
Parameter("iterations", ParameterType.Integer, "15", "Newton iterations (public).");
Parameter("tolerance", ParameterType.Number, "1e-6", "The fit counts as converged when the last Newton step is shorter than this.");
Parameter("standard_errors", ParameterType.Boolean, "false", "Also reveal the coefficients' standard errors (from the secure Hessian at the optimum).");
Parameter("reveal", ParameterType.Text, "final", "What is revealed: final (the model only).");
Output("coefficients", "Coefficients on the original scale of the features, (Intercept) first.");
Output("standard_errors", "Standard errors of the coefficients (with standard_errors=true).");
Output("converged", "1 when the last Newton step was below the tolerance, else 0.");
Output("iterations", OutputKind.Derived, "Newton iterations run.");

Label("coefficients", p => (p.Flag("intercept") ? new[] { "(Intercept)" } : new string[0]).Concat(p.List("features")).ToList());
Label("standard_errors", p => (p.Flag("intercept") ? new[] { "(Intercept)" } : new string[0]).Concat(p.List("features")).ToList());
Derive((outputs, p) => new Dictionary<string, double[]> { ["iterations"] = new double[] { p.Integer("iterations") } });

Run(async mpc =>
{
    if (mpc.Text("reveal") != "final")
        throw new ArgumentException($"reveal={mpc.Text("reveal")} is not available: this version offers reveal=final (DP-noised intermediate gradients are not implemented yet).");
    var fit = await mpc.Regression.Logistic(mpc.Text("outcome"), mpc.List("features"), mpc.Flag("intercept"), mpc.Number("lambda"),
        mpc.Integer("iterations"), mpc.Number("tolerance"), mpc.Flag("standard_errors"));
    await mpc.Output("coefficients", fit.Coefficients);
    if (fit.StandardErrors is not null) await mpc.Output("standard_errors", fit.StandardErrors);
    await mpc.Output("converged", fit.Converged);
});
