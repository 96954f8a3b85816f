// Pooled totals: each hospital's own totals stay secret; only the totals over all hospitals are revealed.
Describe("Pooled totals of numeric columns over every party's rows, and the pooled row count.");
Parameter("columns", ParameterType.ColumnList, null, "Comma-separated numeric columns to total.");
Output("totals", "Column totals over all parties, in the order given.");
Output("rows", OutputKind.Counts, "Number of rows over all parties.");

Run(async mpc =>
{
    var columns = mpc.List("columns");
    var local = columns.Select(c => mpc.Column(c).Sum()).Append(mpc.Rows).ToArray();
    // Each party contributes its local totals; only their sum exists, and only as a secret.
    var pooled = await mpc.SumAcrossParties(local);
    await mpc.Output("totals", pooled.Slice(0, columns.Count));
    // A count opens only with this party's own count behind it, checked against its minimum cell count.
    await mpc.OutputCounts("rows", pooled[columns.Count], new double[] { mpc.Rows });
});
