using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime;

/// <summary>The one place a <see cref="PreprocessingMode"/> becomes a name on the wire, and a name or mode becomes an engine.</summary>
public static class PreprocessingEngines
{
    /// <summary>The mode's name in requests, transcripts and results: "ot", "replicated", "shamir" or "dealer".</summary>
    public static string Name(PreprocessingMode mode) => mode switch
    {
        PreprocessingMode.Ot => PreprocessingModes.Ot,
        PreprocessingMode.Replicated => PreprocessingModes.Replicated,
        PreprocessingMode.Dealer => PreprocessingModes.Dealer,
        PreprocessingMode.Shamir => PreprocessingModes.Shamir,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>Reads a name from a request or a file; an unknown name (an analyst's or peer's text) gives false.</summary>
    public static bool TryParse(string? name, out PreprocessingMode mode)
    {
        foreach (var known in Enum.GetValues<PreprocessingMode>())
        {
            if (string.Equals(Name(known), name, StringComparison.Ordinal))
            {
                mode = known;
                return true;
            }
        }
        mode = default;
        return false;
    }

    /// <summary>Reads a name that must be known (a caller's argument), naming the known ones otherwise.</summary>
    public static PreprocessingMode Parse(string name, [CallerArgumentExpression(nameof(name))] string? parameterName = null) =>
        TryParse(name, out var mode) ? mode : throw new ArgumentException(ErrorMessages.UnknownPreprocessing(name), parameterName);

    /// <summary>
    /// This party's engine for a session. <paramref name="dealerMaterial"/> is the dealer secret at party 0 and the seed
    /// the dealer sent elsewhere (dealer mode only).
    /// </summary>
    public static IPreprocessing<T> Create<T>(PreprocessingMode mode, IPartyChannel channel, PairwiseSeeds seeds, ReadOnlySpan<byte> dealerMaterial, CancellationToken cancellation)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        PreprocessingModes.Create<T>(Name(mode), channel, seeds, dealerMaterial, cancellation);
}
