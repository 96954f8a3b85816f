namespace Mpc.Boltzmann;

/// <summary>
/// The simulated data of the DataSHIELD Boltzmann machine paper, as BoltzmannMachines.jl's
/// blocksinnoise(n, p; noise, blocklen, nblocks): Bernoulli(noise) background; for each block b
/// (1-based), div(n, 2 nblocks) randomly chosen rows get ones at variables (b-1) blocklen + 1 ..
/// b blocklen, and label b (the other rows label 0).
/// </summary>
public static class BlocksInNoise
{
    public static (double[][] Rows, int[] Labels) Generate(int rows, int variables, Random random, double noise = 0.1, int blockLength = 5, int blocks = 5)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (rows < 1 || variables < blockLength * blocks || !(noise is >= 0 and <= 1))
            throw new ArgumentException($"blocksinnoise needs rows >= 1, at least {blockLength * blocks} variables for {blocks} blocks of {blockLength}, and noise in [0, 1].");
        var data = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            data[i] = new double[variables];
            for (int j = 0; j < variables; j++) data[i][j] = random.NextDouble() < noise ? 1 : 0;
        }
        var labels = new int[rows];
        var order = Enumerable.Range(0, rows).ToArray();
        random.Shuffle(order);
        int perBlock = rows / (2 * blocks);
        for (int b = 0; b < blocks; b++)
            foreach (int i in order[(b * perBlock)..((b + 1) * perBlock)])
            {
                for (int j = b * blockLength; j < (b + 1) * blockLength; j++) data[i][j] = 1;
                labels[i] = b + 1;
            }
        return (data, labels);
    }
}
