using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class PreprocessingEnginesTests
{
    [Fact]
    public void EachModeHasTheNameRequestsAndTranscriptsUseAndReadsBackFromIt()
    {
        Assert.Equal(["ot", "replicated", "dealer", "shamir"], Enum.GetValues<PreprocessingMode>().Select(PreprocessingEngines.Name));
        foreach (var mode in Enum.GetValues<PreprocessingMode>())
        {
            Assert.True(PreprocessingEngines.TryParse(PreprocessingEngines.Name(mode), out var read));
            Assert.Equal(mode, read);
        }
    }

    [Theory]
    [InlineData("magic")]
    [InlineData("OT")]
    [InlineData("")]
    [InlineData(null)]
    public void ANameThisVersionDoesNotKnowIsNotAMode(string? name)
    {
        Assert.False(PreprocessingEngines.TryParse(name, out _));
        if (name is not null) Assert.Contains("is not available", Assert.Throws<ArgumentException>(() => PreprocessingEngines.Parse(name)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFactoryMakesAWorkingEngineOfEachModeForThreeParties()
    {
        foreach (var mode in Enum.GetValues<PreprocessingMode>())
        {
            var results = await LocalHarness.RunAsync<ulong, double>(3, async rt =>
            {
                int f = rt.Format.FractionalBits;
                var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? [1.5] : null, 1, 1, f);
                var y = Input.Share(rt, 1, rt.PartyIndex == 1 ? [-2.0] : null, 1, 1, f);
                return (await Opening.RevealRealAsync(rt, await Multiplication.MultiplyAsync(rt, x, y), "product"))[0];
            }, new LocalHarnessOptions { Preprocessing = mode });
            // 1.5 * -2 in the clear, to the fixed-point truncation's last bit.
            Assert.All(results, r => Assert.Equal(-3.0, r, 4));
        }
    }
}
