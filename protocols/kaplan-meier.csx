// Kaplan-Meier survival analysis: the logrank test on the pooled rows of all parties, as R's
// survdiff computes it. Each party bins its own rows on the public time grid; the counts are
// pooled as secrets and the test statistic is computed under MPC. Only chi2 (and, on request,
// survdiff's per-group table) is revealed exactly; the p-value follows in the clear. The survival
// curves are released only as event and censoring counts with distributed Skellam noise.
Describe("Logrank test of survival between groups (as R's survdiff), optionally stratified, on the pooled rows of all parties.");
Parameter("time", ParameterType.Column, "time", "Follow-up time (non-negative).");
Parameter("event", ParameterType.Column, "status", "Event indicator: 1 = event, 0 = censored.");
Parameter("group", ParameterType.Column, null, "The column whose groups are compared.");
Parameter("levels", ParameterType.Text, null, "The group levels, comma-separated (at least 2), in output order: text (adeno,large) or numbers (1,2).");
Parameter("strata", ParameterType.Column, "", "Optional stratum column.");
Parameter("strata_levels", ParameterType.Text, "", "The stratum levels, text or numbers, when strata is given.");
Parameter("resolution", ParameterType.Number, "1", "Width of a time bin: times in ((b-1) r, b r] are tied. 1 reproduces survdiff on integer times.");
Parameter("horizon", ParameterType.Number, null, "Last time of the public grid; later times are censored there.");
Parameter("reveal_groups", ParameterType.Boolean, "false", "Also reveal per-group N, observed and expected events, as survdiff prints them.");
Parameter("reveal_dropped", ParameterType.Boolean, "true", "Reveal how many rows were dropped for a missing value (a count: a party that dropped 1 or 2 refuses it under its default minimum cell count).");
Parameter("curve", ParameterType.Boolean, "true", "Also release the survival curves, as DP-noised event and censoring counts per group and interval.");
Parameter("curve_resolution", ParameterType.Number, "30", "Interval width of the curves' grid (public).");
Parameter("epsilon", ParameterType.Number, "1", "The session's privacy budget: epsilon of the curve release.");
Parameter("delta", ParameterType.Number, "1e-5", "Delta of the curve release.");
Parameter("honest_parties", ParameterType.Integer, "1", "dp.honest_parties: the curve's guarantee holds if at least this many parties are honest (more noise for fewer).");
AllowMissingValues();
Output("chi2", "The logrank chi-square statistic.");
Output("risk_sets", OutputKind.DataCheck, "One bit per stratum, opened to the parties before the test: is its pooled number at risk below 2^19 (the test's limit)?");
Output("df", OutputKind.Derived, "Degrees of freedom: number of groups - 1.");
Output("p_value", OutputKind.Derived, "Upper tail probability of chi2 on df degrees of freedom.");
Output("n", OutputKind.Counts, "Rows per group (with reveal_groups=true).");
Output("observed", OutputKind.Counts, "Events per group (with reveal_groups=true).");
Output("expected", "Expected events per group under equal survival (with reveal_groups=true).");
Output("dropped", OutputKind.Counts, "Rows dropped for a missing value in a used column, over all parties (with reveal_dropped=true).");
Output("curve_counts", OutputKind.DifferentiallyPrivate, "Event then censoring counts per group and interval, with distributed Skellam noise (L1 = L2 = 1: a row adds 1 to one count).");
Output("curve_time", OutputKind.Derived, "End of each interval of the curve grid.");
Output("survival", OutputKind.Derived, "Kaplan-Meier survival per group and interval, from the noised counts.");
Output("survival_lower", OutputKind.Derived, "Lower Greenwood 95% band.");
Output("survival_upper", OutputKind.Derived, "Upper Greenwood 95% band.");

Derive((outputs, p) =>
{
    int groups = p.List("levels").Count;
    var derived = new Dictionary<string, double[]>
    {
        ["df"] = new double[] { groups - 1 },
        ["p_value"] = new[] { LogrankReference.PValue(outputs["chi2"][0], groups - 1) },
    };
    if (outputs.TryGetValue("curve_counts", out var counts))
    {
        int bins = counts.Length / (2 * groups);
        var curve = KaplanMeierCurve.Estimate(counts, groups, bins);
        derived["curve_time"] = Enumerable.Range(0, bins).Select(b => b * p.Number("curve_resolution")).ToArray();
        derived["survival"] = curve.Survival;
        derived["survival_lower"] = curve.Lower;
        derived["survival_upper"] = curve.Upper;
    }
    return derived;
});

Run(async mpc =>
{
    var test = await mpc.Survival.Logrank(mpc.Text("time"), mpc.Text("event"), mpc.Text("group"), mpc.List("levels"),
        mpc.Text("strata"), mpc.List("strata_levels"), mpc.Number("resolution"), mpc.Number("horizon"));
    await mpc.Output("chi2", test.ChiSquare);
    if (mpc.Flag("reveal_groups"))
    {
        await mpc.Output("n", test.N);
        await mpc.Output("observed", test.Observed);
        await mpc.Output("expected", test.Expected);
    }
    if (mpc.Flag("reveal_dropped")) await mpc.Output("dropped", test.Dropped);
    if (mpc.Flag("curve"))
    {
        var counts = mpc.Survival.CurveCounts(mpc.Text("time"), mpc.Text("event"), mpc.Text("group"), mpc.List("levels"), mpc.Number("curve_resolution"), mpc.Number("horizon"));
        await mpc.ReleaseCounts("curve_counts", counts, mpc.Number("epsilon"), mpc.Number("delta"), mpc.Integer("honest_parties"));
    }
});
