namespace Mpc.Runtime;

/// <summary>
/// To whom an opening reveals: every party together, the analyst alone, or one party, as the reveal policy is asked
/// (<see cref="IRevealPolicy.CheckReveal"/>); on the worker pipe it is a 32-bit code (-2 everyone, -1 the analyst, i party i).
/// </summary>
public readonly record struct RevealRecipient
{
    private const int EveryoneCode = -2;
    private const int AnalystCode = -1;
    // Shifted so that the default value means every party: 0 everyone, 1 the analyst, i + 2 party i.
    private readonly int _shifted;

    private RevealRecipient(int code) => _shifted = code + 2;

    private int Code => _shifted - 2;

    public static RevealRecipient Everyone => new(EveryoneCode);

    public static RevealRecipient Analyst => new(AnalystCode);

    public static RevealRecipient Party(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new RevealRecipient(index);
    }

    public bool IsEveryone => Code == EveryoneCode;

    public bool IsAnalyst => Code == AnalystCode;

    /// <summary>The worker pipe's code: -2 every party, -1 the analyst, i party i.</summary>
    public int ToWire() => Code;

    /// <summary>Reads a code from the worker pipe (untrusted): false unless it is every party, the analyst or one of <paramref name="partyCount"/> parties.</summary>
    public static bool TryFromWire(int code, int partyCount, out RevealRecipient recipient)
    {
        bool known = code is EveryoneCode or AnalystCode || (code >= 0 && code < partyCount);
        recipient = known ? new RevealRecipient(code) : Everyone;
        return known;
    }
}
