using Mpc.Net;

namespace Mpc.Federation;

/// <summary>One party's answer to <see cref="AnalystClient.ListDatasetsAsync"/>: its datasets' names and column schemas.</summary>
public sealed record PartyDatasets(string Party, IReadOnlyList<DatasetSchema> Datasets);
