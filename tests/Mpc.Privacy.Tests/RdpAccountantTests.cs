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
}
