using System.Globalization;
using System.Text.Json.Nodes;
using Mpc.Privacy;

namespace Mpc.Audit;

// Differential privacy in a party's transcript: each release's cost recomputed from its mechanism and parameters, never
// taken from its claim, and the releases composed in RDP within the session's budget (its "epsilon" parameter).
public static partial class TranscriptAuditor
{
    private static void CheckReleases(Transcript t, Action<string?, long?, string> fail)
    {
        var orders = RdpAccountant.DefaultOrders;
        var spent = new double[orders.Count];
        double delta = 0;
        foreach (var release in t.Entries.Where(e => e.Type == "dp"))
        {
            var (mechanism, noise, l1, l2, rate) = ReleaseOf(release.Fields);
            delta = Number(release.Fields, "delta", 0);
            if (!ReleaseMechanisms.IsKnown(mechanism)) fail(t.Party, release.Seq, $"a DP release of mechanism '{mechanism}', which the auditor cannot account for.");
            else if (!(l1 > 0) || !(l2 > 0)) fail(t.Party, release.Seq, "a DP release without positive sensitivities.");
            else if (!(rate > 0 && rate <= 1)) fail(t.Party, release.Seq, $"a DP release with sampling rate {rate}, outside (0, 1].");
            else if (!(noise > 0) || !(delta > 0 && delta < 1)) fail(t.Party, release.Seq, "a DP release without a positive noise parameter and a delta in (0, 1).");
            else
            {
                var curve = ReleaseMechanisms.Curve(mechanism, noise, l1, l2, rate, orders);
                double claimed = Number(release.Fields, "epsilon", 0), actual = RdpAccountant.ToEpsilon(curve, orders, delta).Epsilon;
                if (claimed < actual * (1 - 1e-9)) fail(t.Party, release.Seq, $"claims epsilon {claimed:G6}, but its {mechanism} noise {noise:G6} and sensitivities give {actual:G6}.");
                spent = RdpAccountant.Compose(spent, curve);
            }
            string name = release.Fields["name"]?.GetValue<string>() ?? "";
            if (!t.Entries.Any(e => e.Type == "output" && e.Seq > release.Seq && e.Fields["name"]?.GetValue<string>() == name))
                fail(t.Party, release.Seq, $"a DP release of '{name}' that was never output.");
        }
        if (delta is > 0 and < 1)
        {
            string? budgetText = (t.Header["parameters"] as JsonObject)?["epsilon"]?.GetValue<string>();
            double budget = budgetText is null ? double.PositiveInfinity : double.Parse(budgetText, CultureInfo.InvariantCulture);
            double epsilon = RdpAccountant.ToEpsilon(spent, orders, delta).Epsilon;
            if (epsilon > budget + 1e-9) fail(t.Party, null, $"spent epsilon {epsilon:G6} (composed in RDP at delta {delta:G3}), over the session's budget of {budget:G6}.");
        }
    }

    // A "dp" entry's mechanism and parameters: the current form, or an earlier version's flat Skellam fields with the noise as "mu".
    private static (string Mechanism, double Noise, double L1, double L2, double SamplingRate) ReleaseOf(JsonObject fields)
    {
        string mechanism = fields["mechanism"]?.GetValue<string>() ?? SkellamMechanism.Name;
        if (fields["parameters"] is JsonObject parameters)
            return (mechanism, Number(parameters, "noise", 0), Number(parameters, "l1", 0), Number(parameters, "l2", 0), Number(parameters, "samplingRate", 1));
        return (mechanism, Number(fields, "mu", 0), Number(fields, "l1", 0), Number(fields, "l2", 0), Number(fields, "samplingRate", 1));
    }

    private static double Number(JsonObject fields, string name, double absent) =>
        fields[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : absent;
}
