using System.Numerics;
using Mpc.Runtime;

namespace Mpc.Statistics;

/// <summary>The secret results of a logistic regression fit: coefficients on the original scale, their standard errors (when asked), and whether the last step was below the tolerance.</summary>
public sealed record SecureLogisticRegressionResult<T>(Secret<T> Coefficients, Secret<T>? StandardErrors, Secret<T> Converged)
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>;
