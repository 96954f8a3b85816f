namespace Mpc.Boltzmann;

/// <summary>
/// One monitored value: which part of the model (for example "layer 1" or "dbm"), after which epoch, which metric, its value,
/// and on which rows (DataSHIELD's datasetname: "training", or "monitoring" for the rows each party split off).
/// </summary>
public sealed record MonitoringRecord(string Part, int Epoch, string Metric, double Value, string Dataset = MonitoringRecord.Training)
{
    public const string Training = "training", Monitoring = "monitoring";
}
