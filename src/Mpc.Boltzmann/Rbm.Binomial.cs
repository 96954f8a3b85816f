namespace Mpc.Boltzmann;

public sealed partial class Rbm
{
    // log C(2, v): a 1 is either of the two tied Bernoulli units on, so its probability counts twice (BoltzmannMachines.jl's energy correction).
    internal static double BinomialMultiplicity(VisibleKind kind, double v) => kind == VisibleKind.Binomial && v == 1 ? Math.Log(2) : 0;

    // Two Bernoulli draws per unit at p = mean / 2, summed: a draw from Binomial(2, p).
    internal static void SampleBinomial(ReadOnlySpan<double> means, Span<double> v, Random random)
    {
        for (int i = 0; i < v.Length; i++)
        {
            double p = means[i] / 2;
            v[i] = (random.NextDouble() < p ? 1 : 0) + (random.NextDouble() < p ? 1 : 0);
        }
    }
}
