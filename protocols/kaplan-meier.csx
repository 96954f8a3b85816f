// Kaplan-Meier survival analysis: the logrank test on the pooled rows of all parties, as R's
// survdiff computes it. Each party bins its own rows on the public time grid; the counts are
// pooled as secrets and the test statistic is computed under MPC. Only chi2 (and, on request,
// survdiff's per-group table) is revealed; the p-value follows in the clear.
Describe("Logrank test of survival between groups (as R's survdiff), optionally stratified, on the pooled rows of all parties.");
Parameter("time", ParameterType.Column, "time", "Follow-up time (non-negative).");
Parameter("event", ParameterType.Column, "status", "Event indicator: 1 = event, 0 = censored.");
Parameter("group", ParameterType.Column, null, "The column whose groups are compared.");
Parameter("levels", ParameterType.NumberList, null, "The group values, comma-separated (at least 2), in output order.");
Parameter("strata", ParameterType.Column, "", "Optional stratum column.");
Parameter("strata_levels", ParameterType.NumberList, "", "The stratum values, when strata is given.");
Parameter("resolution", ParameterType.Number, "1", "Width of a time bin: times in ((b-1) r, b r] are tied. 1 reproduces survdiff on integer times.");
Parameter("horizon", ParameterType.Number, null, "Last time of the public grid; later times are censored there.");
Parameter("reveal_groups", ParameterType.Boolean, "false", "Also reveal per-group N, observed and expected events, as survdiff prints them.");
AllowMissingValues();
Output("chi2", "The logrank chi-square statistic.");
Output("df", OutputKind.Derived, "Degrees of freedom: number of groups - 1.");
Output("p_value", OutputKind.Derived, "Upper tail probability of chi2 on df degrees of freedom.");
Output("n", "Rows per group (with reveal_groups=true).");
Output("observed", "Events per group (with reveal_groups=true).");
Output("expected", "Expected events per group under equal survival (with reveal_groups=true).");
Output("dropped", "Rows dropped for a missing value in a used column, over all parties.");

Derive((outputs, p) =>
{
    int df = p.Numbers("levels").Length - 1;
    return new Dictionary<string, double[]>
    {
        ["df"] = new double[] { df },
        ["p_value"] = new[] { LogrankReference.PValue(outputs["chi2"][0], df) },
    };
});

Run(async mpc =>
{
    var test = await mpc.Survival.Logrank(mpc.Text("time"), mpc.Text("event"), mpc.Text("group"), mpc.Numbers("levels"),
        mpc.Text("strata"), mpc.Numbers("strata_levels"), mpc.Number("resolution"), mpc.Number("horizon"));
    await mpc.Output("chi2", test.ChiSquare);
    if (mpc.Flag("reveal_groups"))
    {
        await mpc.Output("n", test.N);
        await mpc.Output("observed", test.Observed);
        await mpc.Output("expected", test.Expected);
    }
    await mpc.Output("dropped", test.Dropped);
});
