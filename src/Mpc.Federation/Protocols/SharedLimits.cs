using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>Limits that must hold for every party, taken under MPC so that none is opened.</summary>
internal static class SharedLimits
{
    /// <summary>
    /// The largest of the parties' values of a limit (each party's own <paramref name="own"/>), secret, at scale 0:
    /// no party learns a peer's limit, and a party that changes its own moves only a secret.
    /// </summary>
    public static async Task<Secret<T>> LargestAsync<T>(MpcRuntime<T> runtime, double own)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Secret<T>? largest = null;
        for (int owner = 0; owner < runtime.PartyCount; owner++)
        {
            var limit = await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? [own] : null, 1, 0).ConfigureAwait(false);
            largest = largest is null ? limit : await Comparison.MaximumAsync(runtime, largest, limit).ConfigureAwait(false);
        }
        return largest!;
    }
}
