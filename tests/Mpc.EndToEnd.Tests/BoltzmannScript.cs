using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>protocols/boltzmann-machine.csx as the Boltzmann tests run it, with a catalog that compiles scripts.</summary>
internal static class BoltzmannScript
{
    public static ProtocolCatalog Catalog { get; } = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    /// <summary>
    /// The Skellam parameter of a release reserved at 1/<paramref name="shares"/> of the budget, unsampled, on records of
    /// <paramref name="dimension"/> statistics clipped to <paramref name="clipNorm"/>, as SkellamSumMechanism.Reserve calibrates it.
    /// </summary>
    public static double ReservedMu(int dimension, double clipNorm, double epsilon, int shares)
    {
        var (_, l1, l2) = Mpc.Boltzmann.SkellamSumMechanism.Sensitivity(dimension, clipNorm);
        return Mpc.Privacy.SkellamMechanism.CalibrateSeries(epsilon, 1e-5, Enumerable.Repeat((l1, l2, 1.0), shares).ToList(), null)[0];
    }

    /// <summary>Whether every party's ledger holds a release of Skellam parameter <paramref name="mu"/> and stays within <paramref name="epsilon"/>.</summary>
    public static void AssertLedgersHold(TestFederation federation, double mu, double epsilon)
    {
        for (int i = 0; i < federation.Names.Count; i++)
        {
            var ledger = new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(i));
            Assert.Contains(ledger.Releases(), r => Math.Abs(r.Noise - mu) < 1e-6 * mu);
            Assert.True(ledger.SpentEpsilon("lung", 1e-5) <= epsilon + 1e-9);
        }
    }

    public static ScriptProtocol Load() => ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
}
