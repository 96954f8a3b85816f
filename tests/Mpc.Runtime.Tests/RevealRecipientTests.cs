namespace Mpc.Runtime.Tests;

public class RevealRecipientTests
{
    [Fact]
    public void ThePipesCodeReadsBackToTheSameRecipient()
    {
        var cases = new (int Wire, RevealRecipient Recipient)[]
        {
            (-2, RevealRecipient.Everyone), (-1, RevealRecipient.Analyst), (0, RevealRecipient.Party(0)), (2, RevealRecipient.Party(2)),
        };
        foreach (var (wire, recipient) in cases)
        {
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
    public void ANegativePartyIndexIsNoRecipient() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RevealRecipient.Party(-1));
}
