namespace Mpc.Boltzmann;

/// <summary>The distribution of an RBM's visible units given its hidden units.</summary>
public enum VisibleKind
{
    /// <summary>0/1 units, p(v_i = 1 | h) = sigmoid(a_i + W_i h).</summary>
    Bernoulli,

    /// <summary>Continuous units with unit variance (standardise the data first), v_i | h ~ N(a_i + W_i h, 1).</summary>
    Gaussian,

    /// <summary>One-hot groups (one group per categorical variable), softmax within each group.</summary>
    Categorical,

    /// <summary>0/1/2 units, each two Bernoulli units sharing weights (BoltzmannMachines.jl's Binomial2BernoulliRBM): v_i | h ~ Binomial(2, sigmoid(a_i + W_i h)).</summary>
    Binomial,
}
