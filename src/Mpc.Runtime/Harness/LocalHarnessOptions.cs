using Mpc.Core;

namespace Mpc.Runtime.Harness;

/// <summary>Settings of an in-process run.</summary>
public sealed record LocalHarnessOptions
{
    public FixedPointFormat? Format { get; init; }

    /// <summary>How long a party waits for a peer's message before aborting the session.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public IRevealPolicy RevealPolicy { get; init; } = OpenRevealPolicy.Instance;

    /// <summary>The engine: OT (dealer-free, the default), replicated, or the trusted dealer (for tests that isolate the online phase).</summary>
    public PreprocessingMode Preprocessing { get; init; } = PreprocessingMode.Ot;

    /// <summary>The dealer's secret in dealer mode; fresh from the OS RNG when null.</summary>
    public byte[]? DealerSecret { get; init; }
}
