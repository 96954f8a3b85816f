namespace Mpc.Boltzmann;

/// <summary>Numerically stable scalar functions shared by the models.</summary>
internal static class Activation
{
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    // log(1 + e^x) without overflow.
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    public static double LogAdd(double x, double y)
    {
        if (double.IsNegativeInfinity(x)) return y;
        if (double.IsNegativeInfinity(y)) return x;
        double max = Math.Max(x, y);
        return max + Math.Log(Math.Exp(x - max) + Math.Exp(y - max));
    }

    public static double Gaussian(Random random)
    {
        // Box-Muller: two uniforms on (0, 1].
        double u = 1 - random.NextDouble(), v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
