using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Boltzmann;
using Mpc.Cli.Commands;
using Mpc.Federation;

namespace Mpc.Cli.Tests;

/// <summary>The demo's synthetic patients: its categorical DBM, pooled over three parties under MPC as the demo runs it, learns more than the marginals.</summary>
public sealed class DemoSyntheticPatientsTests : IDisposable
{
    private static readonly string[][] Levels = [["female", "male"], ["<60", "60-69", "70+"], ["0", "1", "2", "3"], ["alive", "dead", "censored"]];
    private static readonly int[] Groups = [2, 3, 4, 3];
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-demo-patients-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TheDemosCategoricalDbmLearnsThatOneYearDeathsRiseWithEcogAsTheDatasDo()
    {
        string data = Path.Combine(AppContext.BaseDirectory, "examples", "data", "lung-categorical.csv");
        var files = DemoCommand.Split(data, 3, Path.Combine(_folder, "sites"));
        var script = ProtocolReference.Resolve(Path.Combine(AppContext.BaseDirectory, "protocols", "boltzmann-machine.csx"));
        var parameters = DemoCommand.SyntheticPatientParameters;
        var result = await LocalFederation.RunAsync(script.Protocol, script.ScriptSource, files, parameters, ProtocolReference.Catalog, NullLoggerFactory.Instance, null,
            TimeSpan.FromMinutes(5), default, Path.Combine(_folder, "session"), privacy: DatasetPrivacy.Default with { ExactIntermediates = true });

        var rows = File.ReadAllLines(data).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).Select(f => Enumerable.Range(0, 4).Select(c => Array.IndexOf(Levels[c], f[c])).ToArray()).ToList();
        var women = rows.Where(r => r[0] == 0).ToList();
        // The data's share of one-year deaths among women by ecog 0, 1, 2 (0.26, 0.36, 0.67); ecog 3 has one woman.
        var real = Enumerable.Range(0, 3).Select(e => DeadShare(women, e)).ToArray();

        var model = TrainedModel.FromParameters(ModelKind.Dbm, [12, 12, 6], VisibleKind.Categorical, Groups, result.Outputs["model"].Values).Dbm!;
        var encoded = rows.Select(OneHot).ToList();
        double independence = 0;
        for (int c = 0; c < 4; c++)
            for (int level = 0; level < Groups[c]; level++)
            {
                double p = rows.Count(r => r[c] == level) / (double)rows.Count;
                if (p > 0) independence += p * Math.Log(p);
            }
        double logLikelihood = model.ExactLogLikelihood(encoded);
        // The model sat at the independence model's -3.820 (the saturated model's is -3.612).
        Assert.True(logLikelihood > independence + 0.05, $"log-likelihood {logLikelihood:F4} against the independence model's {independence:F4}");

        // The model's own P(dead | ecog, female), by enumerating its 72 cells.
        double logZ = model.ExactLogPartition();
        var cells = Cells().ToList();
        var exact = Enumerable.Range(0, 3).Select(e =>
        {
            var given = cells.Where(c => c[0] == 0 && c[2] == e).Select(c => (Dead: c[3] == 1, P: Math.Exp(model.ExactLogUnnormalisedProbability(OneHot(c)) - logZ))).ToList();
            return given.Where(g => g.Dead).Sum(g => g.P) / given.Sum(g => g.P);
        }).ToArray();
        string Show(double[] values) => string.Join(", ", values.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(exact[0] < exact[1] && exact[1] < exact[2], $"model P(dead | ecog 0, 1, 2; female): {Show(exact)}; data {Show(real)}");
        Assert.All(exact.Zip(real), pair => Assert.True(Math.Abs(pair.First - pair.Second) < 0.12, $"model {Show(exact)} against data {Show(real)}"));

        // The synthetic women (sampled given sex=female) show the same rise, within sampling error of 500 rows.
        var values = result.Outputs["synthetic"].Values;
        var synthetic = Enumerable.Range(0, values.Length / 4).Select(r => Enumerable.Range(0, 4).Select(c => (int)Math.Round(values[4 * r + c])).ToArray()).ToList();
        Assert.Equal(500, synthetic.Count);
        Assert.All(synthetic, r => Assert.Equal(0, r[0]));
        var sampled = Enumerable.Range(0, 3).Select(e => DeadShare(synthetic, e)).ToArray();
        Assert.True(sampled[2] - sampled[0] > 0.2, $"synthetic P(dead | ecog 0, 1, 2; female): {Show(sampled)}; data {Show(real)}");
        Assert.All(sampled.Zip(real), pair => Assert.True(Math.Abs(pair.First - pair.Second) < 0.15, $"synthetic {Show(sampled)} against data {Show(real)}"));
    }

    private static double DeadShare(IReadOnlyList<int[]> rows, int ecog) => rows.Count(r => r[2] == ecog && r[3] == 1) / (double)rows.Count(r => r[2] == ecog);

    private static double[] OneHot(int[] row)
    {
        var v = new double[Groups.Sum()];
        int start = 0;
        for (int c = 0; c < Groups.Length; c++)
        {
            v[start + row[c]] = 1;
            start += Groups[c];
        }
        return v;
    }

    private static IEnumerable<int[]> Cells()
    {
        for (int s = 0; s < 2; s++)
            for (int a = 0; a < 3; a++)
                for (int e = 0; e < 4; e++)
                    for (int o = 0; o < 3; o++) yield return [s, a, e, o];
    }
}
