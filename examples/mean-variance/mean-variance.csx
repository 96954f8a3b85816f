// Pooled mean and sample variance of a column: count, sum and sum of squares are pooled as secrets,
// and the divisions and the square root happen under MPC, so no hospital's own moments are revealed.
Describe("Pooled mean, sample variance and standard deviation of a numeric column.");
Parameter("column", ParameterType.Column, null, "The numeric column.");
Output("n", OutputKind.Counts, "Rows over all parties.");
Output("mean", "Pooled mean.");
Output("variance", "Pooled sample variance (n - 1 in the denominator).");
Output("sd", "Pooled sample standard deviation.");

Run(async mpc =>
{
    var x = mpc.Column(mpc.Text("column"));
    var s = await mpc.SumAcrossParties(new[] { x.Length, x.Sum(), x.Sum(v => v * v) });
    var (n, sum, squares) = (s[0], s[1], s[2]);
    var mean = await mpc.Div(sum, n);
    // (sum of squares - mean * sum) / (n - 1)
    var variance = await mpc.Div(squares - await mpc.Mul(mean, sum), n - 1);
    // A count opens only with this party's own count behind it, checked against its minimum cell count.
    await mpc.OutputCounts("n", n, new double[] { x.Length });
    await mpc.Output("mean", mean);
    await mpc.Output("variance", variance);
    await mpc.Output("sd", await mpc.Sqrt(variance));
});
