namespace Mpc.Data;

/// <summary>A data file is malformed; the message names the file, row and column.</summary>
public sealed class DataFormatException(string message) : Exception(message);
