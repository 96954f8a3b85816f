using Mpc.Privacy;

namespace Mpc.Privacy.Tests;

public sealed class SkellamMechanismTests
{
    [Fact]
    public void AWeightedSeriesSpendsTheWholeBudgetAndGivesALighterReleaseProportionallyMoreNoise()
    {
        // A row count (sensitivity 1) at a fifth of a step's share, then three gradient steps (L1 = 40, L2 = 10).
        var plan = new List<(double L1, double L2, double SamplingRate)> { (1, 1, 1), (40, 10, 1), (40, 10, 1), (40, 10, 1) };
        var mu = SkellamMechanism.CalibrateSeries(1, 1e-5, plan, null, [0.2, 1, 1, 1]);
        var orders = RdpAccountant.DefaultOrders;
        double epsilon = RdpAccountant.ToEpsilon(RdpAccountant.Compose(plan.Select((r, k) => RdpAccountant.Skellam(mu[k], r.L1, r.L2, orders)).ToArray()), orders, 1e-5).Epsilon;
        Assert.InRange(epsilon, 0.99, 1.0);
        Assert.Equal(5, mu[0] / (mu[1] / 100), 9);
        Assert.Equal(mu[1], mu[3]);
        // The same plan without weights gives the count a whole share, so the steps get less of the budget.
        var even = SkellamMechanism.CalibrateSeries(1, 1e-5, plan, null);
        Assert.True(even[1] > mu[1], $"unweighted step mu {even[1]} vs weighted {mu[1]}");
    }

    [Fact]
    public void AWeightPerReleaseIsRequired()
    {
        var plan = new List<(double L1, double L2, double SamplingRate)> { (1, 1, 1), (1, 1, 1) };
        var error = Assert.Throws<ArgumentException>(() => SkellamMechanism.CalibrateSeries(1, 1e-5, plan, null, [1]));
        Assert.Contains("One positive weight is needed for each of the 2 planned releases.", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SkellamMechanism.CalibrateSeries(1, 1e-5, plan, null, [1, 0]));
    }
}
