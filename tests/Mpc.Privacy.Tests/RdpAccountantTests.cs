namespace Mpc.Privacy.Tests;

/// <summary>The accountant against published values (see ReferenceValues in the issue: Opacus and TF Privacy).</summary>
public class RdpAccountantTests
{
    [Fact]
    public void OpacusSubsampledGaussianVector()
    {
        // Opacus RDPAccountant: sigma 1.5, q 0.04, 2250 steps, delta 1e-5 -> epsilon 7.32911.
        var orders = RdpAccountant.DefaultOrders;
        var rdp = RdpAccountant.SubsampledGaussian(0.04, 1.5, 2250, orders);
        var (epsilon, _) = RdpAccountant.ToEpsilon(rdp, orders, 1e-5);
        Assert.Equal(7.32911, epsilon, 1e-4);
    }

    [Fact]
    public void TfPrivacyDpSgdVector()
    {
        // TF Privacy compute_dp_sgd_privacy: n 60000, batch 150, sigma 1.3, 15 epochs, delta 1e-5 -> 0.72422.
        var orders = RdpAccountant.DefaultOrders;
        int steps = (int)Math.Ceiling(15 * 60000 / 150.0);
        var rdp = RdpAccountant.SubsampledGaussian(150 / 60000.0, 1.3, steps, orders);
        var (epsilon, order) = RdpAccountant.ToEpsilon(rdp, orders, 1e-5);
        Assert.True(Math.Abs(epsilon - 0.72422) <= 1e-4, $"epsilon {epsilon:R} at order {order}");
    }

    [Fact]
    public void TfPrivacyRdpAccountantTestVectorsHoldForTheSubsamplingBoundOfTheGaussianCurve()
    {
        // tensorflow/privacy, tensorflow_privacy/privacy/analysis/rdp_accountant_test.py:
        // test_compute_rdp_scalar: compute_rdp(q=0.1, sigma=2, steps=10, order=5) = 0.07737 (5 places);
        // test_get_privacy_spent_check_target_delta: compute_rdp(0.01, 4, 10000, orders 2..32), delta 1e-5 -> eps 1.258575 at order 20,
        // with TF Privacy's conversion eps = rdp - log(delta) / (order - 1).
        static double[] Gaussian(double q, double sigma, int steps, IReadOnlyList<double> orders) =>
            [.. RdpAccountant.PoissonSubsampled(q, a => a / (2 * sigma * sigma), orders).Select(r => r * steps)];
        Assert.Equal(0.07737, Gaussian(0.1, 2, 10, [5])[0], 5e-6);
        double[] orders = [.. Enumerable.Range(2, 31).Select(a => (double)a)];
        var rdp = Gaussian(0.01, 4, 10000, orders);
        var epsilons = orders.Select((a, i) => rdp[i] - Math.Log(1e-5) / (a - 1)).ToArray();
        int best = Array.IndexOf(epsilons, epsilons.Min());
        Assert.Equal(1.258575, epsilons[best], 5e-6);
        Assert.Equal(20, orders[best]);
        // The same sum is Mironov, Talwar and Zhang's sampled Gaussian at every integer order.
        var direct = RdpAccountant.SubsampledGaussian(0.01, 4, 10000, orders);
        for (int i = 0; i < orders.Length; i++) Assert.Equal(direct[i], rdp[i], 1e-9 * direct[i]);
    }

    [Fact]
    public void ASubsampledSkellamReleaseIsAccountedAsTightlyAsTheSampledGaussianOfItsVariance()
    {
        // Skellam(mu) has variance 2 mu; with a large mu its RDP bound tends to the Gaussian's with sigma = sqrt(2 mu) / Delta2,
        // from above. At q = 0.01, noise multiplier 4, 10,000 steps the sampled Gaussian gives 1.2586 (TF Privacy, above).
        var orders = RdpAccountant.DefaultOrders;
        const double l2 = 1000;
        double mu = 16 * l2 * l2 / 2;
        var skellam = RdpAccountant.SkellamRelease(mu, l2 * l2, l2, 0.01, orders).Select(r => r * 10000).ToArray();
        var gaussian = RdpAccountant.SubsampledGaussian(0.01, 4, 10000, orders);
        double es = RdpAccountant.ToEpsilon(skellam, orders, 1e-5).Epsilon, eg = RdpAccountant.ToEpsilon(gaussian, orders, 1e-5).Epsilon;
        Assert.InRange(es, eg, eg * 1.01);
    }

    [Fact]
    public void TheTightBoundNeedsATenthOfTheNoiseMultiplierOfTheGeneralOneAtTheIssuesSetting()
    {
        // Issue 29: q = 0.1, 2,500 steps, epsilon 5, delta 1e-5. The calibrated Skellam noise, as a Gaussian noise multiplier,
        // is within 2% of the sampled Gaussian's (bisection on Mironov, Talwar and Zhang's curve here).
        const double l2 = 1000;
        double mu = SkellamMechanism.CalibrateSeries(5, 1e-5, Enumerable.Repeat((l2 * l2, l2, 0.1), 2500).ToList(), null)[0];
        double skellamSigma = Math.Sqrt(2 * mu) / l2;
        double low = 0.5, high = 100;
        while (high - low > 1e-4)
        {
            double middle = (low + high) / 2;
            double epsilon = RdpAccountant.ToEpsilon(RdpAccountant.SubsampledGaussian(0.1, middle, 2500, RdpAccountant.DefaultOrders), RdpAccountant.DefaultOrders, 1e-5).Epsilon;
            if (epsilon > 5) low = middle;
            else high = middle;
        }
        Assert.InRange(skellamSigma, high, high * 1.02);
        Assert.InRange(high, 4, 7);
    }

    [Fact]
    public void ASubsampledSkellamReleaseCostsLessThanAFullOne()
    {
        var orders = RdpAccountant.DefaultOrders;
        var full = RdpAccountant.SkellamRelease(1000, 40, 40, 1, orders);
        var sampled = RdpAccountant.SkellamRelease(1000, 40, 40, 0.05, orders);
        Assert.Equal(RdpAccountant.Skellam(1000, 40, 40, orders), full);
        Assert.True(RdpAccountant.ToEpsilon(sampled, orders, 1e-5).Epsilon < RdpAccountant.ToEpsilon(full, orders, 1e-5).Epsilon / 2);
    }
}
