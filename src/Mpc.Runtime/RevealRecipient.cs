namespace Mpc.Runtime;

/// <summary>
/// To whom an opening reveals: every party together, the analyst alone, or one party. The runtime's reveal policy still
/// takes the nullable index (null everyone, -1 the analyst); this type reads it once, and is the worker pipe's 32-bit
/// code (-2 everyone, -1 the analyst, i party i).
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

    /// <summary>The runtime's form, as <see cref="IRevealPolicy.CheckReveal"/> takes it: null every party, -1 the analyst, i party i.</summary>
    public int? ToRuntime() => IsEveryone ? null : Code;

    /// <summary>Reads the runtime's form; any other negative index is not a recipient.</summary>
    public static RevealRecipient FromRuntime(int? recipient) => recipient switch
    {
        null => Everyone,
        AnalystCode => Analyst,
        >= 0 and int index => Party(index),
        _ => throw new ArgumentOutOfRangeException(nameof(recipient), recipient, "A recipient is null (every party), -1 (the analyst) or a party index."),
    };

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
