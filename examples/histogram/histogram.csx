// A histogram over public bins. Each party counts its own rows per bin (its rows never leave it),
// and only the pooled counts are revealed: no secure comparison is needed when the bins are public.
// Each party's own count in every bin must be 0 or at least its minimum cell count (3 unless it sets
// another), so with sites of 11 to 17 rows the bins must be wide: narrower ones are refused.
Describe("Counts of a numeric column over public bins, pooled over all parties.");
Parameter("column", ParameterType.Column, null, "The numeric column.");
Parameter("edges", ParameterType.NumberList, "60", "Increasing bin edges: bins are below the first edge, between edges, and from the last edge up.");
Output("counts", OutputKind.Counts, "Rows per bin over all parties.");

Run(async mpc =>
{
    var edges = mpc.Numbers("edges");
    if (edges.Zip(edges.Skip(1)).Any(pair => pair.First >= pair.Second)) throw new ArgumentException("edges must increase");
    var counts = new double[edges.Length + 1];
    foreach (var value in mpc.Column(mpc.Text("column")))
        counts[edges.Count(edge => value >= edge)]++;
    await mpc.OutputCounts("counts", await mpc.SumAcrossParties(counts, integer: true), counts, mpc.Text("column"));
});
