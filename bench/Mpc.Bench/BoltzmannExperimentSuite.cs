using System.Globalization;
using Mpc.Cli.Commands;

namespace Mpc.Bench;

/// <summary>
/// The DataSHIELD comparison of docs/experiments/boltzmann.md (formerly 'mpc boltzmann-experiment'): pooled DBMs under MPC,
/// with and without DP (the DP default), against per-party DBMs, on blocks-in-noise data; results.json, heatmaps.png and
/// correlations.png in the output folder. Options: --out DIR, --small (the demo's 12-variable setup), --parties 1,2,5,20,
/// --dp-parties 2,5,20, --epsilon 5, --evaluate-up-to N (secure scoring), --mpc-up-to N (larger counts: per-party models only),
/// --engine honest-majority (the default: pooled runs of 3 to 7 parties on the replicated engine, of 8 or more on the Shamir
/// engine, 2 on OT) or ot (OT at every party count).
/// </summary>
internal static class BoltzmannExperimentSuite
{
    public static async Task RunAsync(string[] args)
    {
        string output = Value(args, "--out") ?? Path.Combine("results", "boltzmann");
        bool small = args.Contains("--small");
        int[] parties = Counts(Value(args, "--parties") ?? "1,2,5,20");
        // The small setup keeps to the demo's DP and evaluation party counts unless they are given.
        int[] dp = Counts(Value(args, "--dp-parties") ?? (small ? "2" : "2,5,20"));
        double epsilon = double.Parse(Value(args, "--epsilon") ?? "5", CultureInfo.InvariantCulture);
        int evaluateUpTo = int.Parse(Value(args, "--evaluate-up-to") ?? (small ? $"{BlocksExperiment.SmallEvaluationParties}" : "20"), CultureInfo.InvariantCulture);
        int mpcUpTo = int.Parse(Value(args, "--mpc-up-to") ?? $"{int.MaxValue}", CultureInfo.InvariantCulture);
        // The simulated hospitals form an honest-majority consortium unless --engine ot asks for OT at every party count.
        string engine = Value(args, "--engine") ?? "honest-majority";
        if (engine is not ("honest-majority" or "ot")) throw new ArgumentException($"--engine is honest-majority or ot, not '{engine}'.");
        await BlocksExperiment.RunAsync(output, small ? BlocksExperiment.Setup.Small : BlocksExperiment.Setup.Paper, parties, dp, epsilon, Console.Out, default, evaluateUpTo, mpcUpTo,
            engine == "honest-majority");
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int[] Counts(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(t => int.TryParse(t, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n : throw new ArgumentException($"'{t}' is not a party count."))];
}
