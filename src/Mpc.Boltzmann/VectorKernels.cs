using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mpc.Boltzmann;

/// <summary>
/// The dense loops of training (rows of weights times a unit's value, dot products), on the processor's vector width.
/// Every party runs the public model's Gibbs chains itself, so these loops are most of a training step's time (issue 29).
/// </summary>
/// <remarks>
/// <see cref="AddScaled"/> computes every element as the scalar loop does (one multiply, one add, no fused multiply-add),
/// so its results are bit for bit the scalar ones on any vector width; <see cref="Dot"/> adds in a fixed order of its own, the same on
/// every processor. So parties on different hardware hold the same model after every step and draw the same shared samples.
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

    /// <summary>
    /// The sum of x[j] * y[j] in one fixed order on every processor: four running sums over j mod 4 (one 256-bit vector, emulated
    /// where the hardware lacks it), combined as (s0 + s1) + (s2 + s3), then the tail in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("The spans differ in length.", nameof(y));
        int n = x.Length, j = 0;
        double sum = 0;
        if (n >= Vector256<double>.Count)
        {
            var left = MemoryMarshal.Cast<double, Vector256<double>>(x);
            var right = MemoryMarshal.Cast<double, Vector256<double>>(y);
            var accumulator = Vector256<double>.Zero;
            // Multiply then add, never fused: the association and rounding must not depend on the machine (every party samples the same rows).
            for (int v = 0; v < left.Length; v++) accumulator += left[v] * right[v];
            sum = (accumulator.GetElement(0) + accumulator.GetElement(1)) + (accumulator.GetElement(2) + accumulator.GetElement(3));
            j = left.Length * Vector256<double>.Count;
        }
        for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }
}
