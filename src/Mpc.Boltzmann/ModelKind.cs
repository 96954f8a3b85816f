namespace Mpc.Boltzmann;

/// <summary>Which Boltzmann machine a training run builds.</summary>
public enum ModelKind
{
    /// <summary>One restricted Boltzmann machine (the first layer's settings).</summary>
    Rbm,

    /// <summary>Deep belief network: RBMs trained greedily, each on the hidden probabilities of the one below.</summary>
    Dbn,

    /// <summary>Deep Boltzmann machine: layer-wise pre-training with doubled inputs, then mean-field fine-tuning with persistent chains.</summary>
    Dbm,
}
