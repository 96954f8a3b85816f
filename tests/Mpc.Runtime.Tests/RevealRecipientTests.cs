namespace Mpc.Runtime.Tests;

public class RevealRecipientTests
{
    [Fact]
    public void TheRuntimesFormAndThePipesCodeReadBackToTheSameRecipient()
    {
        var cases = new (int? Runtime, int Wire, RevealRecipient Recipient)[]
        {
            (null, -2, RevealRecipient.Everyone), (-1, -1, RevealRecipient.Analyst), (0, 0, RevealRecipient.Party(0)), (2, 2, RevealRecipient.Party(2)),
        };
        foreach (var (runtime, wire, recipient) in cases)
        {
            Assert.Equal(recipient, RevealRecipient.FromRuntime(runtime));
            Assert.Equal(runtime, recipient.ToRuntime());
            Assert.Equal(wire, recipient.ToWire());
            Assert.True(RevealRecipient.TryFromWire(wire, 3, out var read));
            Assert.Equal(recipient, read);
        }
        // The default value reveals to every party together, never to party 0 by accident.
        Assert.True(default(RevealRecipient).IsEveryone);
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(3)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void ACodeFromTheWorkerThatNamesNoRecipientIsRefused(int code) => Assert.False(RevealRecipient.TryFromWire(code, 3, out _));

    [Fact]
    public void ANegativeIndexOtherThanTheAnalystsIsNoRecipient() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RevealRecipient.FromRuntime(-2));
}
