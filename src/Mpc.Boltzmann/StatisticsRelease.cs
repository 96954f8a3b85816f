namespace Mpc.Boltzmann;

/// <summary>A group of planned releases of summed per-record statistics: how many, their dimension, the per-record clipping norm and the Poisson sampling rate.</summary>
public sealed record StatisticsRelease(string Name, int Count, int Dimension, double ClipNorm, double SamplingRate);
