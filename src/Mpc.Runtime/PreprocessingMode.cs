namespace Mpc.Runtime;

/// <summary>Which engine makes a session's correlated randomness; on the wire and in files by its <see cref="PreprocessingEngines.Name"/>.</summary>
public enum PreprocessingMode
{
    /// <summary>Dealer-free oblivious transfer: secure against N - 1 colluding parties (the default).</summary>
    Ot,

    /// <summary>Honest majority with 3 to 7 parties (replicated sharing): secure if at most floor((N - 1) / 2) parties collude.</summary>
    Replicated,

    /// <summary>Trusted dealer co-located with party 0: tests and runs labelled as such only.</summary>
    Dealer,

    /// <summary>Honest majority with 8 or more parties (Shamir sharing over a Galois ring): secure if at most floor((N - 1) / 2) parties collude.</summary>
    Shamir,
}
