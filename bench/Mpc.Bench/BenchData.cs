namespace Mpc.Bench;

/// <summary>Helpers the benchmark suites share: medians and splitting a CSV into party files.</summary>
internal static class BenchData
{
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Contiguous blocks of the given data rows (header kept), one temporary file per party.</summary>
    public static List<string> Split(string header, IReadOnlyList<string> rows, string name, int parties)
    {
        var files = new List<string>();
        for (int p = 0; p < parties; p++)
        {
            string path = Path.Combine(Path.GetTempPath(), $"mpc-bench-{name}-{p}-{Guid.NewGuid():N}.csv");
            int start = p * rows.Count / parties, end = (p + 1) * rows.Count / parties;
            File.WriteAllLines(path, rows.Skip(start).Take(end - start).Prepend(header));
            files.Add(path);
        }
        return files;
    }
}
