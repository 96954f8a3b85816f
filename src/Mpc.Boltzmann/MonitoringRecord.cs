namespace Mpc.Boltzmann;

/// <summary>One monitored value: which part of the model (for example "layer 1" or "dbm"), after which epoch, which metric, its value.</summary>
public sealed record MonitoringRecord(string Part, int Epoch, string Metric, double Value);
