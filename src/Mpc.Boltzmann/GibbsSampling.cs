namespace Mpc.Boltzmann;

/// <summary>
/// Draws synthetic rows from a trained model by Gibbs sampling, one independent chain per row after
/// <c>burnIn</c> sweeps; optionally conditional on fixed visible values (a NaN in the clamp vector
/// leaves that unit free; the others are held at their value throughout, so samples keep them exactly).
/// </summary>
/// <remarks>
/// DBN: Gibbs sampling in the top RBM, then one sampled down-pass. With a clamp, each sweep is an
/// up-pass from the clamped visibles, a Gibbs step at the top and a down-pass (an approximation: a
/// DBN's visible conditional is not available in closed form).
/// </remarks>
public static class GibbsSampling
{
    public static double[][] Sample(TrainedModel model, int count, int burnIn, Random random, double[]? clamp = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckArguments(model, count, burnIn, clamp);
        return Enumerable.Range(0, count).Select(_ => Chain(model, burnIn, random, clamp)).ToArray();
    }

    /// <summary>
    /// Row <paramref name="row"/> of a sample in which every row is its own chain seeded by (<paramref name="seed"/>, row) only: the
    /// same values wherever and in whatever order it is drawn, so parties can draw disjoint rows of one sample and pool them.
    /// </summary>
    public static double[] SampleRow(TrainedModel model, int row, int burnIn, int seed, double[]? clamp = null)
    {
        CheckArguments(model, row, burnIn, clamp);
        return Chain(model, burnIn, new Random(RowSeed(seed, row)), clamp);
    }

    /// <summary>
    /// SHA-256 of everything that decides rows 0..count-1 of <see cref="SampleRow"/>: the count, burn-in, seed, clamp and the model
    /// (kind, layer sizes, visible kind, categories, partitions and every parameter's bits). Parties that must draw rows of one
    /// sample compare these digests before any row leaves (two equal digests mean the same rows, bit for bit).
    /// </summary>
    public static byte[] ArgumentsDigest(TrainedModel model, int count, int burnIn, int seed, double[]? clamp = null)
    {
        CheckArguments(model, count, burnIn, clamp);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var word = new byte[sizeof(long)];
        void Add(long value)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(word, value);
            hash.AppendData(word);
        }
        // Lengths precede every list, so that no two different argument sets write the same bytes.
        void AddAll(IEnumerable<double> values)
        {
            var list = values as IReadOnlyCollection<double> ?? [.. values];
            Add(list.Count);
            // Every NaN (a free unit of the clamp) as one value, whatever its payload bits.
            foreach (double v in list) Add(double.IsNaN(v) ? long.MinValue : BitConverter.DoubleToInt64Bits(v));
        }
        void AddSizes(IReadOnlyList<int>? sizes) => AddAll(sizes?.Select(n => (double)n) ?? [-1.0]);
        Add(count);
        Add(burnIn);
        Add(seed);
        AddAll(clamp ?? []);
        Add((long)model.Kind);
        Add(model.Layers.Count);
        foreach (var layer in model.Layers)
        {
            AddSizes([layer.Visible, layer.Hidden, (int)layer.Kind]);
            AddSizes(layer.Categories);
            AddSizes(layer.Partitioning?.VisibleSizes);
            AddSizes(layer.Partitioning?.HiddenSizes);
            AddAll([.. layer.Weights, .. layer.VisibleBias, .. layer.HiddenBias]);
        }
        if (model.Dbm is { } dbm)
        {
            AddSizes([.. dbm.LayerSizes, (int)dbm.Visible]);
            AddSizes(dbm.Categories);
            foreach (var partition in dbm.Partitions)
            {
                AddSizes(partition?.VisibleSizes);
                AddSizes(partition?.HiddenSizes);
            }
            AddAll(model.Parameters());
        }
        return hash.GetHashAndReset();
    }

    // A row's chain seed: SplitMix64 of (seed, row), so neighbouring rows' generators start far apart; the same in every process.
    private static int RowSeed(int seed, int row)
    {
        unchecked
        {
            ulong z = ((ulong)(uint)seed << 32 | (uint)row) + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)((z ^ (z >> 31)) & int.MaxValue);
        }
    }

    private static void CheckArguments(TrainedModel model, int count, int burnIn, double[]? clamp)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (count < 0 || burnIn < 1) throw new ArgumentOutOfRangeException(nameof(count), "The count must be non-negative and the burn-in positive.");
        int visible = model.Layers[0].Visible;
        if (clamp is not null && clamp.Length != visible) throw new ArgumentException($"The clamp has {clamp.Length} values where the model has {visible} visible units.", nameof(clamp));
        if (clamp is not null) CheckGroups(clamp, model.Layers[0].Categories);
    }

    private static double[] Chain(TrainedModel model, int burnIn, Random random, double[]? clamp) => model.Kind switch
    {
        ModelKind.Dbm when model.Dbm is not null => SampleDbm(model.Dbm, burnIn, random, clamp),
        ModelKind.Rbm => SampleRbm(model.Layers[0], burnIn, random, clamp),
        _ => SampleStack(model.Layers, burnIn, random, clamp),
    };

    // A categorical variable is fixed as a whole: its group is all free (NaN) or one-hot.
    private static void CheckGroups(double[] clamp, int[] groups)
    {
        int start = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            var group = clamp.AsSpan(start, groups[g]);
            int free = 0, ones = 0, zeros = 0;
            foreach (double x in group)
            {
                if (double.IsNaN(x)) free++;
                else if (x == 1) ones++;
                else if (x == 0) zeros++;
            }
            if (free != group.Length && (ones != 1 || zeros != group.Length - 1))
                throw new ArgumentException($"The clamp of categorical variable {g + 1} (visible units {start + 1}..{start + group.Length}) must be all NaN or one-hot.", nameof(clamp));
            start += group.Length;
        }
    }

    private static void Clamp(Span<double> v, double[]? clamp)
    {
        if (clamp is null) return;
        for (int i = 0; i < v.Length; i++)
            if (!double.IsNaN(clamp[i])) v[i] = clamp[i];
    }

    private static double[] SampleRbm(Rbm rbm, int burnIn, Random random, double[]? clamp)
    {
        var v = new double[rbm.Visible];
        var means = new double[rbm.Visible];
        var p = new double[rbm.Hidden];
        var h = new double[rbm.Hidden];
        rbm.VisibleMeans(h, means);
        rbm.SampleVisible(means, v, random);
        Clamp(v, clamp);
        for (int sweep = 0; sweep < burnIn; sweep++)
        {
            rbm.HiddenProbabilities(v, p);
            Rbm.SampleBernoulli(p, h, random);
            rbm.VisibleMeans(h, means);
            rbm.SampleVisible(means, v, random);
            Clamp(v, clamp);
        }
        return v;
    }

    private static double[] SampleDbm(Dbm dbm, int burnIn, Random random, double[]? clamp)
    {
        var state = dbm.RandomState(random);
        Clamp(state[0], clamp);
        for (int sweep = 0; sweep < burnIn; sweep++) dbm.GibbsSweep(state, random, 1, clamp);
        return state[0];
    }

    private static double[] SampleStack(IReadOnlyList<Rbm> layers, int burnIn, Random random, double[]? clamp)
    {
        var top = layers[^1];
        var v = SampleRbm(top, burnIn, random, null);
        if (clamp is null) return Down(layers, v, random);
        var x = Down(layers, v, random);
        Clamp(x, clamp);
        for (int sweep = 0; sweep < burnIn; sweep++)
        {
            // Up-pass (sampled) from the clamped visibles to the top RBM's visible layer, one Gibbs step there, down again.
            var state = x;
            for (int l = 0; l < layers.Count - 1; l++)
            {
                var p = new double[layers[l].Hidden];
                layers[l].HiddenProbabilities(state, p);
                state = new double[p.Length];
                Rbm.SampleBernoulli(p, state, random);
            }
            var ph = new double[top.Hidden];
            var h = new double[top.Hidden];
            top.HiddenProbabilities(state, ph);
            Rbm.SampleBernoulli(ph, h, random);
            var means = new double[top.Visible];
            top.VisibleMeans(h, means);
            top.SampleVisible(means, state, random);
            x = Down(layers, state, random);
            Clamp(x, clamp);
        }
        return x;
    }

    // Samples each lower layer's visibles given the layer above, from the top RBM's visible layer down to the data.
    private static double[] Down(IReadOnlyList<Rbm> layers, double[] topVisible, Random random)
    {
        var state = topVisible;
        for (int l = layers.Count - 2; l >= 0; l--)
        {
            var means = new double[layers[l].Visible];
            layers[l].VisibleMeans(state, means);
            state = new double[layers[l].Visible];
            layers[l].SampleVisible(means, state, random);
        }
        return state;
    }
}
