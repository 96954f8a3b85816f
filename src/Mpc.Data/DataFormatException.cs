using Mpc.Core;

namespace Mpc.Data;

/// <summary>A data file is malformed or a cell does not fit its column: the public message names the dataset and column at most; the detail has file, row and cell.</summary>
public sealed class DataFormatException(string publicMessage, string detail, bool dependsOnValues = false) : DataProblemException(publicMessage, detail, dependsOnValues);
