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
            var (mechanism, noise, l1, l2, rate, _) = ReleaseOf(release.Fields);
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
            string name = Text(release.Fields["name"]) ?? "";
            if (!t.Entries.Any(e => e.Type == "output" && e.Seq > release.Seq && Text(e.Fields["name"]) == name))
                fail(t.Party, release.Seq, $"a DP release of '{name}' that was never output.");
        }
        if (delta is > 0 and < 1)
        {
            string? budgetText = Text((t.Header["parameters"] as JsonObject)?["epsilon"]);
            double budget = double.PositiveInfinity;
            // An unreadable budget allows nothing: the releases are judged against zero.
            if (budgetText is not null && !double.TryParse(budgetText, NumberStyles.Float, CultureInfo.InvariantCulture, out budget))
            {
                fail(t.Party, 0, "its epsilon budget is not a number.");
                budget = 0;
            }
            double epsilon = RdpAccountant.ToEpsilon(spent, orders, delta).Epsilon;
            if (epsilon > budget + 1e-9) fail(t.Party, null, $"spent epsilon {epsilon:G6} (composed in RDP at delta {delta:G3}), over the session's budget of {budget:G6}.");
        }
    }

    // A "dp" entry's mechanism and parameters: the current form, or an earlier version's flat Skellam fields with the noise as "mu".
    // A mechanism that is present but not text reads as "", which no auditor accounts for.
    private static (string Mechanism, double Noise, double L1, double L2, double SamplingRate, double HonestParties) ReleaseOf(JsonObject fields)
    {
        string mechanism = fields.ContainsKey("mechanism") ? Text(fields["mechanism"]) ?? "" : SkellamMechanism.Name;
        if (fields["parameters"] is JsonObject parameters)
            return (mechanism, Number(parameters, "noise", 0), Number(parameters, "l1", 0), Number(parameters, "l2", 0), Number(parameters, "samplingRate", 1), Number(parameters, "honestParties", 0));
        return (mechanism, Number(fields, "mu", 0), Number(fields, "l1", 0), Number(fields, "l2", 0), Number(fields, "samplingRate", 1), Number(fields, "honestParties", 0));
    }

    // The kinds this version knows are noised (OutputKind in Mpc.Federation, by name): a header may add kinds, never remove these.
    private static readonly string[] BuiltInPrivateKinds = ["DifferentiallyPrivate", "DifferentiallyPrivateIntermediate"];

    // The output kinds noised before release: the built-in ones, those a header names as noised, and the kind (in its header) of
    // every output any party recorded a release of. A new DP kind thus needs no change here.
    private static HashSet<string> PrivateKinds(List<Transcript> transcripts)
    {
        var kinds = transcripts.SelectMany(t => t.Header["privateKinds"] is JsonArray named ? named.Select(Text).OfType<string>() : [])
            .Concat(BuiltInPrivateKinds).ToHashSet(StringComparer.Ordinal);
        foreach (var t in transcripts.Where(t => t.Header["outputKinds"] is JsonObject))
            foreach (var release in t.Entries.Where(e => e.Type == "dp"))
                if (Text(((JsonObject)t.Header["outputKinds"]!)[Text(release.Fields["name"]) ?? ""]) is { } kind) kinds.Add(kind);
        return kinds;
    }

    // Every party records the same DP releases of each DP output: one that opened it without a release, or recorded another mechanism
    // or other parameters, noised (and charged) differently from its peers. The DP outputs are those of a noised kind (by the headers'
    // kinds) and, for transcripts written before kinds were recorded, those any party recorded a release of.
    private static void CompareReleases(List<Transcript> transcripts, IReadOnlySet<string> privateKinds, Action<string?, long?, string> fail)
    {
        var releases = transcripts.ToDictionary(t => t, t => t.Entries.Where(e => e.Type == "dp")
            .GroupBy(e => Text(e.Fields["name"]) ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => Record(ReleaseOf(e.Fields))).ToList(), StringComparer.Ordinal));
        var names = releases.Values.SelectMany(r => r.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var t in transcripts.Where(t => t.Header["outputKinds"] is JsonObject))
            names.UnionWith(((JsonObject)t.Header["outputKinds"]!).Where(k => Text(k.Value) is { } kind && privateKinds.Contains(kind)).Select(k => k.Key));
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            Transcript? reference = null;
            foreach (var t in transcripts.Where(t => t.Entries.Any(e => e.Type == "output" && Text(e.Fields["name"]) == name)))
            {
                var recorded = releases[t].GetValueOrDefault(name) ?? [];
                if (recorded.Count == 0) fail(t.Party, null, $"opened the DP output '{name}' without recording its DP release.");
                else if (reference is null) reference = t;
                else if (!recorded.SequenceEqual(releases[reference][name]))
                    fail(t.Party, null, $"recorded the DP release of '{name}' as {string.Join("; ", recorded)}, where {reference.Party} recorded {string.Join("; ", releases[reference][name])}.");
            }
        }
    }

    // What every party's record of one release shares: each party scales the noise to the honest parties it assumes (its own
    // configuration), so the noise per assumed honest party, the noise each party adds, is compared rather than the total.
    private static string Record((string Mechanism, double Noise, double L1, double L2, double SamplingRate, double HonestParties) release) =>
        FormattableString.Invariant(
            $"{release.Mechanism} with noise {release.Noise / Math.Max(1, release.HonestParties):G6} per honest party, sensitivities {release.L1:G6} and {release.L2:G6}, sampling rate {release.SamplingRate:G6}");
}
