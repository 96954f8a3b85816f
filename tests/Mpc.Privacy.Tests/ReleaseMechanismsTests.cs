namespace Mpc.Privacy.Tests;

public sealed class ReleaseMechanismsTests
{
    [Fact]
    public void ADistributedSkellamReleaseIsAccountedWithTheSubsampledSkellamBound()
    {
        var orders = RdpAccountant.DefaultOrders;
        var curve = ReleaseMechanisms.Curve(SkellamMechanism.Name, 200, 40, 10, 0.05, orders);
        Assert.Equal(RdpAccountant.SkellamRelease(200, 40, 10, 0.05, orders), curve);
        // The same release to every record costs more than on a 5% subsample.
        var full = ReleaseMechanisms.Curve(SkellamMechanism.Name, 200, 40, 10, 1, orders);
        Assert.True(RdpAccountant.ToEpsilon(full, orders, 1e-5).Epsilon > RdpAccountant.ToEpsilon(curve, orders, 1e-5).Epsilon);
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("")]
    [InlineData("Distributed-Skellam")]
    public void AMechanismWithoutAnRdpBoundHasNoCurve(string mechanism)
    {
        Assert.False(ReleaseMechanisms.IsKnown(mechanism));
        var error = Assert.Throws<ArgumentException>(() => ReleaseMechanisms.Curve(mechanism, 200, 1, 1, 1, RdpAccountant.DefaultOrders));
        Assert.Contains("No RDP accounting is known", error.Message, StringComparison.Ordinal);
    }
}
