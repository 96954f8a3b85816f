using System.Numerics;
using Mpc.Runtime;

namespace Mpc.Statistics;

/// <summary>The secret results of a logrank test; the protocol decides which of them to output.</summary>
public sealed record SecureLogrankResult<T>(Secret<T> ChiSquare, Secret<T> N, Secret<T> Observed, Secret<T> Expected, Secret<T> Dropped)
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>;
