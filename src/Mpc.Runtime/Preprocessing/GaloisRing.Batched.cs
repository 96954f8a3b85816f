using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>Batched linear maps over many elements: the dealings' interpolation at once for every output, tile by tile so the inputs stay in cache.</summary>
public sealed partial class GaloisRing<T>
{
    // Elements a tile: the inputs' tile (up to 2t drawn vectors of d coefficients) stays in L1/L2 while every output reads it.
    private const int Tile = 64;

    /// <summary>
    /// outputs[j] = c(j, 0) s + sum over m of c(j, m + 1) x_m for n elements (coefficient-major), s n subring values and
    /// x_m = <paramref name="inputs"/>[m] GR vectors; matrices[j][0] is c(j, 0)'s <see cref="MultiplicationMatrix"/>
    /// (only its column 0 is read) and matrices[j][m + 1] c(j, m + 1)'s. Each output is overwritten.
    /// </summary>
    public void Combine(ReadOnlySpan<T> subring, IReadOnlyList<T[]> inputs, IReadOnlyList<T[][]> matrices, IReadOnlyList<T[]> outputs, int n)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        int d = Degree;
        if (subring.Length < n) throw new ArgumentException(RuntimeErrors.GaloisRingVectorLength, nameof(subring));
        if (matrices.Count != outputs.Count) throw new ArgumentException(RuntimeErrors.GaloisRingVectorLength, nameof(matrices));
        foreach (var x in inputs) if (x.Length < d * n) throw new ArgumentException(RuntimeErrors.GaloisRingVectorLength, nameof(inputs));
        for (int j = 0; j < outputs.Count; j++)
        {
            if (outputs[j].Length < d * n) throw new ArgumentException(RuntimeErrors.GaloisRingVectorLength, nameof(outputs));
            if (matrices[j].Length != inputs.Count + 1 || matrices[j].Any(c => c.Length != d * d)) throw new ArgumentException(RuntimeErrors.GaloisRingVectorLength, nameof(matrices));
        }
        CombineTiles(subring, inputs, matrices, outputs, n);
    }

    private void CombineTiles(ReadOnlySpan<T> subring, IReadOnlyList<T[]> inputs, IReadOnlyList<T[][]> matrices, IReadOnlyList<T[]> outputs, int n)
    {
        int d = Degree;
        ref T s = ref MemoryMarshal.GetReference(subring);
        for (int start = 0; start < n; start += Tile)
        {
            int length = Math.Min(Tile, n - start);
            for (int j = 0; j < outputs.Count; j++)
            {
                ref T output = ref MemoryMarshal.GetArrayDataReference(outputs[j]);
                var c = matrices[j];
                for (int l = 0; l < d; l++) ScaleTile(ref Unsafe.Add(ref s, start), c[0][l * d], ref Unsafe.Add(ref output, l * n + start), length);
                for (int m = 0; m < inputs.Count; m++)
                {
                    ref T x = ref MemoryMarshal.GetArrayDataReference(inputs[m]);
                    var matrix = c[m + 1];
                    for (int l = 0; l < d; l++)
                        for (int q = 0; q < d; q++)
                            ScaleAddTile(ref Unsafe.Add(ref x, q * n + start), matrix[l * d + q], ref Unsafe.Add(ref output, l * n + start), length);
                }
            }
        }
    }

    private static void ScaleTile(ref T x, T factor, ref T destination, int length)
    {
        int i = 0;
        if (Vector<T>.IsSupported && Vector.IsHardwareAccelerated)
        {
            var broadcast = new Vector<T>(factor);
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref x, (nuint)i) * broadcast, ref destination, (nuint)i);
        }
        unchecked
        {
            for (; i < length; i++) Unsafe.Add(ref destination, i) = Unsafe.Add(ref x, i) * factor;
        }
    }

    // Vector lanes where the ring is a primitive integer (Z_2^64, Z_2^8; lane products wrap as the ring does), scalar for Z_2^128.
    private static void ScaleAddTile(ref T x, T factor, ref T accumulator, int length)
    {
        if (factor == T.Zero) return;
        int i = 0;
        if (Vector<T>.IsSupported && Vector.IsHardwareAccelerated)
        {
            var broadcast = new Vector<T>(factor);
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref accumulator, (nuint)i) + Vector.LoadUnsafe(ref x, (nuint)i) * broadcast, ref accumulator, (nuint)i);
        }
        unchecked
        {
            for (; i < length; i++) Unsafe.Add(ref accumulator, i) += Unsafe.Add(ref x, i) * factor;
        }
    }
}
