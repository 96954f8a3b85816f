using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Boltzmann;

/// <summary>
/// The dense loops of training (rows of weights times a unit's value, dot products), on the processor's vector width.
/// Every party runs the public model's Gibbs chains itself, so these loops are most of a training step's time (issue 29).
/// </summary>
/// <remarks>
/// <see cref="AddScaled"/> computes every element as the scalar loop does (one multiply, one add, no fused multiply-add),
/// so its results are bit for bit the scalar ones; <see cref="Dot"/> adds in another order, so its last bits may differ.
/// Every party runs the same code, so all parties still hold the same model after every step.
/// </remarks>
internal static class VectorKernels
{
    /// <summary>into[j] += a * x[j] for every j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<double> into, ReadOnlySpan<double> x, double a)
    {
        if (x.Length != into.Length) throw new ArgumentException("The spans differ in length.", nameof(x));
        int n = into.Length, j = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var scale = new Vector<double>(a);
            var target = MemoryMarshal.Cast<double, Vector<double>>(into);
            var source = MemoryMarshal.Cast<double, Vector<double>>(x);
            for (int v = 0; v < target.Length; v++) target[v] += scale * source[v];
            j = target.Length * Vector<double>.Count;
        }
        for (; j < n; j++) into[j] += a * x[j];
    }

    /// <summary>The sum of x[j] * y[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("The spans differ in length.", nameof(y));
        int n = x.Length, j = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var left = MemoryMarshal.Cast<double, Vector<double>>(x);
            var right = MemoryMarshal.Cast<double, Vector<double>>(y);
            var accumulator = Vector<double>.Zero;
            for (int v = 0; v < left.Length; v++) accumulator += left[v] * right[v];
            sum = Vector.Sum(accumulator);
            j = left.Length * Vector<double>.Count;
        }
        for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }
}
