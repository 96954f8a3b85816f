using System.Numerics;
using Mpc.Runtime;

namespace Mpc.Statistics;

/// <summary>
/// The secret results of a logistic regression fit: coefficients on the original scale, their standard errors (when asked), whether
/// the last step was below the tolerance, and (when asked) the residual deviance -2 log L at the coefficients and the counts [n, events].
/// </summary>
public sealed record SecureLogisticRegressionResult<T>(Secret<T> Coefficients, Secret<T>? StandardErrors, Secret<T> Converged,
    Secret<T>? Deviance = null, Secret<T>? Counts = null)
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>;
