namespace Mpc.Boltzmann;

public sealed partial class Dbm
{
    private Partitioning?[]? _partitions;

    /// <summary>Per weight matrix W_l (index l - 1), its partitions when layer l - 1 to l is a partitioned layer; null entries are full.</summary>
    public Partitioning?[] Partitions => _partitions ??= new Partitioning?[Weights.Length];

    /// <summary>Zeroes the weights between partitions (after a step, which the joint statistics fill everywhere).</summary>
    public void MaskPartitions()
    {
        for (int l = 0; l < Weights.Length; l++) Partitions[l]?.Mask(Weights[l]);
    }

    /// <summary>Zeroes the entries between partitions of a record's statistics (layout of <see cref="AccumulateStatistics"/>).</summary>
    public void MaskPartitions(Span<double> statistics)
    {
        int offset = 0;
        for (int l = 0; l < Weights.Length; l++)
        {
            Partitions[l]?.Mask(statistics.Slice(offset, Weights[l].Length));
            offset += Weights[l].Length;
        }
    }
}
