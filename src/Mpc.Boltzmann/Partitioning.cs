namespace Mpc.Boltzmann;

/// <summary>
/// A partitioned layer (BoltzmannMachines.jl's PartitionedRBM): independent RBMs side by side, partition k connecting its
/// <see cref="VisibleSizes"/>[k] consecutive visible units only to its <see cref="HiddenSizes"/>[k] consecutive hidden units.
/// It is one RBM whose weights are zero between partitions; training keeps them zero, so its distribution is the product of
/// the partitions' RBMs. A DBM or DBN stacks a joint layer on top of it.
/// </summary>
public sealed class Partitioning
{
    public Partitioning(IReadOnlyList<int> visibleSizes, IReadOnlyList<int> hiddenSizes)
    {
        ArgumentNullException.ThrowIfNull(visibleSizes);
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (visibleSizes.Count < 2 || visibleSizes.Count != hiddenSizes.Count || visibleSizes.Any(n => n < 1) || hiddenSizes.Any(n => n < 1))
            throw new ArgumentException("A partitioned layer needs at least two partitions, each with at least one visible and one hidden unit.", nameof(visibleSizes));
        VisibleSizes = [.. visibleSizes];
        HiddenSizes = [.. hiddenSizes];
        _visibleBlock = Blocks(VisibleSizes);
        _hiddenBlock = Blocks(HiddenSizes);
    }

    private readonly int[] _visibleBlock, _hiddenBlock;

    public IReadOnlyList<int> VisibleSizes { get; }

    public IReadOnlyList<int> HiddenSizes { get; }

    public int Visible => _visibleBlock.Length;

    public int Hidden => _hiddenBlock.Length;

    /// <summary>The partitions' visible sizes with <paramref name="hidden"/> units shared out as evenly as possible (earlier partitions get one more).</summary>
    public static Partitioning Even(IReadOnlyList<int> visibleSizes, int hidden)
    {
        ArgumentNullException.ThrowIfNull(visibleSizes);
        if (hidden < visibleSizes.Count) throw new ArgumentException($"{hidden} hidden units cannot be shared by {visibleSizes.Count} partitions.", nameof(hidden));
        return new Partitioning(visibleSizes, [.. Enumerable.Range(0, visibleSizes.Count).Select(k => hidden / visibleSizes.Count + (k < hidden % visibleSizes.Count ? 1 : 0))]);
    }

    /// <summary>Whether visible unit i and hidden unit j are in the same partition (their weight may be non-zero).</summary>
    public bool Connects(int i, int j) => _visibleBlock[i] == _hiddenBlock[j];

    /// <summary>Zeroes the entries of a row-major visible x hidden weight matrix (or a step in its layout) between partitions.</summary>
    public void Mask(Span<double> weights)
    {
        if (weights.Length < Visible * Hidden) throw new ArgumentException($"A {Visible} x {Hidden} weight matrix has {Visible * Hidden} entries; {weights.Length} were given.", nameof(weights));
        for (int i = 0; i < Visible; i++)
            for (int j = 0; j < Hidden; j++)
                if (_visibleBlock[i] != _hiddenBlock[j]) weights[i * Hidden + j] = 0;
    }

    internal void Check(int visible, int hidden, string layer)
    {
        if (visible != Visible || hidden != Hidden)
            throw new ArgumentException($"{layer}: the partitions cover {Visible} visible and {Hidden} hidden units; the layer has {visible} and {hidden}.");
    }

    private static int[] Blocks(IReadOnlyList<int> sizes) => [.. sizes.SelectMany((n, k) => Enumerable.Repeat(k, n))];
}
