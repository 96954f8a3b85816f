using System.Globalization;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>Prints a session's outputs as a table and writes the JSON file when asked.</summary>
internal static class ResultPrinter
{
    /// <summary>The --json path that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>
    /// Prints the outputs to <paramref name="output"/> and writes the JSON to <paramref name="jsonPath"/>; a path of "-"
    /// writes the JSON to <paramref name="output"/> alone and sends the printed table to <paramref name="error"/>
    /// (standard error by default), so that standard output can be piped to a JSON reader.
    /// </summary>
    public static async Task WriteAsync(SessionResult result, string? jsonPath, TextWriter output, CancellationToken cancellationToken, string? outputDirectory = null, TextWriter? error = null)
    {
        bool jsonToOutput = jsonPath == StandardOutput;
        var json = output;
        if (jsonToOutput) output = error ?? Console.Error;
        if (outputDirectory is not null && CurveFiles.TryWrite(result, outputDirectory))
            output.WriteLine($"wrote {Path.Combine(outputDirectory, "km-curve.csv")} and {Path.Combine(outputDirectory, "km-curve.png")}");
        bool boltzmann = outputDirectory is not null && BoltzmannFiles.TryWrite(result, outputDirectory);
        if (boltzmann)
            output.WriteLine($"wrote {Path.Combine(outputDirectory!, "synthetic.csv")}, monitoring.csv and monitoring.png");
        // synthetic.csv and monitoring.csv hold those outputs already, in the columns' own names.
        if (outputDirectory is not null && OutputTables.Write(result, outputDirectory, boltzmann ? ["synthetic", "monitoring"] : []) is { Count: > 0 } tables)
            output.WriteLine($"wrote {string.Join(", ", tables)}");
        output.WriteLine($"{result.Protocol} on {result.Parties.Count} parties ({string.Join(", ", result.Parties)}), preprocessing: {Describe(result.Preprocessing)}");
        // Tables as R prints them (survdiff, table, htest, summary(glm), summary(lm), a summary by group); the rest as named vectors or lists.
        var tabled = SurvdiffTable.TryWrite(result, output).Concat(CountTable.TryWrite(result, output)).Concat(HtestPrinter.TryWrite(result, output))
            .Concat(CoefficientTable.TryWrite(result, output)).Concat(GroupSummaryTable.TryWrite(result, output, outputDirectory)).ToHashSet();
        foreach (var (name, value) in result.Outputs)
        {
            if (tabled.Contains(name) || LabelledVector.TryWrite(name, value.Labels, value.Values, output)) continue;
            string text = value.Values.Length <= 12
                ? string.Join(", ", value.Values.Select(v => v.ToString("G10", CultureInfo.InvariantCulture)))
                : string.Join(", ", value.Values.Take(10).Select(v => v.ToString("G10", CultureInfo.InvariantCulture))) + $", ... ({value.Values.Length} values)";
            output.WriteLine($"  {name,-22} {text}");
        }
        foreach (var release in result.PrivateReleases) output.WriteLine($"  DP release: {release}");
        output.WriteLine($"session {result.SessionId}: {result.Seconds:F2} s ({result.ProtocolSeconds:F2} s protocol), {result.Rounds} rounds, {result.BytesSent:N0} bytes sent by the parties");
        if (jsonToOutput)
        {
            await json.WriteLineAsync(result.ToJson().AsMemory(), cancellationToken).ConfigureAwait(false);
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (jsonPath is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
            if (directory is not null) Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(jsonPath, result.ToJson(), cancellationToken).ConfigureAwait(false);
            output.WriteLine($"wrote {jsonPath}");
        }
    }

    public static string Describe(string preprocessing) => !Mpc.Runtime.PreprocessingEngines.TryParse(preprocessing, out var mode) ? preprocessing : mode switch
    {
        Mpc.Runtime.PreprocessingMode.Dealer => "trusted dealer (party 1 sees the masks; tests only)",
        Mpc.Runtime.PreprocessingMode.Ot => "dealer-free (oblivious transfer between the parties)",
        Mpc.Runtime.PreprocessingMode.Replicated => "honest majority (replicated sharing among 3 to 7 parties; secure if fewer than half collude)",
        Mpc.Runtime.PreprocessingMode.Shamir => "honest majority (Shamir sharing over a Galois ring among 8 or more parties; secure if fewer than half collude)",
        _ => preprocessing,
    };
}
