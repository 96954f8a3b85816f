namespace Mpc.Boltzmann;

public sealed partial class Rbm
{
    /// <summary>The partitions of a partitioned RBM (null: every visible unit connects to every hidden unit).</summary>
    public Partitioning? Partitioning
    {
        get => _partitioning;
        set
        {
            value?.Check(Visible, Hidden, "Partitioned RBM");
            _partitioning = value;
            value?.Mask(Weights);
        }
    }

    private Partitioning? _partitioning;
}
