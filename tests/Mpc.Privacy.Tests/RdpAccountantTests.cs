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
    public void ThePoissonSubsampledBoundLiesBetweenTheExactSubsampledGaussianAndTheUnsampledCurve()
    {
        // Zhu and Wang's general bound applied to the Gaussian must not undercut Mironov's exact subsampled Gaussian, and must amplify.
        var orders = RdpAccountant.DefaultOrders;
        foreach (var (q, sigma) in new[] { (0.01, 1.0), (0.04, 1.5), (0.2, 0.8) })
        {
            var exact = RdpAccountant.SubsampledGaussian(q, sigma, 1, orders);
            var bound = RdpAccountant.PoissonSubsampled(q, a => a / (2 * sigma * sigma), orders);
            for (int i = 0; i < orders.Count; i++)
            {
                if (double.IsPositiveInfinity(bound[i])) continue;
                Assert.True(bound[i] >= exact[i] * (1 - 1e-9), $"q {q}, sigma {sigma}, order {orders[i]}: bound {bound[i]} below exact {exact[i]}");
                Assert.True(bound[i] <= orders[i] / (2 * sigma * sigma) + 1e-12);
            }
            // At a small rate the bound is within a factor 3 of the exact value where it matters (epsilon at delta 1e-5 over 1000 steps).
            double e1 = RdpAccountant.ToEpsilon(exact.Select(x => x * 1000).ToArray(), orders, 1e-5).Epsilon;
            double e2 = RdpAccountant.ToEpsilon(bound.Select(x => x * 1000).ToArray(), orders, 1e-5).Epsilon;
            if (q <= 0.04) Assert.True(e2 < 3 * e1, $"q {q}: bound gives epsilon {e2}, exact {e1}");
        }
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
