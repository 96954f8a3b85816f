// Pooled second moments of numeric columns (DataSHIELD's ds.cor works from the same): only the totals over all hospitals
// are revealed, from which the analyst computes the correlation matrix; with two hospitals each can subtract its own.
Describe("Pooled column sums and cross-product sums of numeric columns, and the pooled row count: the pooled correlation matrix without any row.");
Parameter("columns", ParameterType.ColumnList, null, "Comma-separated numeric columns.");
Output("sums", "Column totals over all parties, in the order given.");
Output("cross_products", "Totals of x_i x_j over all parties for i <= j, row by row (the upper triangle with the diagonal).");
Output("rows", OutputKind.Counts, "Number of rows over all parties.");

Run(async mpc =>
{
    var columns = mpc.List("columns").Select(mpc.Column).ToList();
    var local = new List<double>(columns.Select(c => c.Sum()));
    for (int i = 0; i < columns.Count; i++)
        for (int j = i; j < columns.Count; j++) local.Add(columns[i].Zip(columns[j], (x, y) => x * y).Sum());
    local.Add(mpc.Rows);
    var pooled = await mpc.SumAcrossParties(local.ToArray());
    await mpc.Output("sums", pooled.Slice(0, columns.Count));
    await mpc.Output("cross_products", pooled.Slice(columns.Count, local.Count - columns.Count - 1));
    // A count opens only with this party's own count behind it, checked against its minimum cell count.
    await mpc.OutputCounts("rows", pooled[local.Count - 1], new double[] { mpc.Rows });
});
