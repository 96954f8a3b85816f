using System.Globalization;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>A hostile analyst against logistic-regression.csx's deviance and counts (issue 30), on loopback daemons.</summary>
public class GlmDisclosureAttackTests
{
    private static readonly ProtocolCatalog Catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    [Fact]
    public async Task AFeatureThatIsolatesOneRowIsRefusedRatherThanRevealThatRowsOutcome()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(3, "mtcars.csv");
        // A rare flag (one patient in the federation has it), such as a rare treatment: 1 in hospital-a's first row only.
        for (int p = 0; p < 3; p++)
        {
            var lines = File.ReadAllLines(federation.DataFiles[p]);
            File.WriteAllLines(federation.DataFiles[p], lines.Select((l, i) => l + (i == 0 ? ",\"rare\"" : p == 0 && i == 1 ? ",1" : ",0")));
        }
        int target = int.Parse(File.ReadAllLines(federation.DataFiles[0])[1].Split(',')[0], CultureInfo.InvariantCulture);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var parameters = new Dictionary<string, string> { ["outcome"] = "am", ["features"] = "wt,rare" };
        SessionResult with;
        try
        {
            with = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        }
        catch (ProtocolAbortedException)
        {
            return;
        }
        parameters["features"] = "wt";
        var without = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        double rare = with.Outputs["coefficients"].Values[2], drop = without.Outputs["deviance"].Values[0] - with.Outputs["deviance"].Values[0];
        Assert.Fail(string.Create(CultureInfo.InvariantCulture,
            $"the fit ran: the flagged row's outcome is {target}; coefficient of 'rare' {rare:G4} (its sign says {(rare > 0 ? 1 : 0)}), deviance without it minus with it {drop:G6}"));
    }
}
