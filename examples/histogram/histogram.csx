// A histogram over public bins. Each party counts its own rows per bin (its rows never leave it),
// and only the pooled counts are revealed: no secure comparison is needed when the bins are public.
Describe("Counts of a numeric column over public bins, pooled over all parties.");
Parameter("column", ParameterType.Column, null, "The numeric column.");
Parameter("edges", ParameterType.NumberList, "40,50,60,70,80", "Increasing bin edges: bins are below the first edge, between edges, and from the last edge up.");
Output("counts", "Rows per bin over all parties.");

Run(async mpc =>
{
    var edges = mpc.Numbers("edges");
    if (edges.Zip(edges.Skip(1)).Any(pair => pair.First >= pair.Second)) throw new ArgumentException("edges must increase");
    var counts = new double[edges.Length + 1];
    foreach (var value in mpc.Column(mpc.Text("column")))
        counts[edges.Count(edge => value >= edge)]++;
    await mpc.Output("counts", await mpc.SumAcrossParties(counts, integer: true));
});
