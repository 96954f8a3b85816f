namespace Mpc.Bench;

/// <summary>The schedule of the dp-utility suite (defaults: the library's DP default).</summary>
internal sealed record DpUtilityOptions(int Hidden, int BatchSize, int Epochs, double LearningRate, double Clip, double Decay, int Samples = 2000, int Seed = 1);
